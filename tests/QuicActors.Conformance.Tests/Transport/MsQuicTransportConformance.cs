using QuicActors.Conformance.Tests.Harness;

namespace QuicActors.Conformance.Tests.Transport;

/// <summary>The conformance suite against System.Net.Quic; skipped, with the reason printed, where libmsquic is missing.</summary>
public sealed class MsQuicTransportConformance() : TransportConformanceTests(new MsQuicHarness());

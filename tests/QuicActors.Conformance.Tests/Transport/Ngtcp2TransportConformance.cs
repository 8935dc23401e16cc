using QuicActors.Conformance.Tests.Harness;

namespace QuicActors.Conformance.Tests.Transport;

/// <summary>The conformance suite against the ngtcp2 engine, both ends ours, over real UDP on loopback.</summary>
public sealed class Ngtcp2TransportConformance() : TransportConformanceTests(new Ngtcp2Harness());

using QuicActors.Conformance.Tests.Harness;

namespace QuicActors.Conformance.Tests.Transport;

/// <summary>The conformance suite against the in-memory engine on a virtual clock.</summary>
public sealed class InMemoryTransportConformance() : TransportConformanceTests(new InMemoryHarness());

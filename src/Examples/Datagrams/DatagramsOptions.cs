namespace QuicActors.Examples.Datagrams;

/// <summary>The switches of <c>datagrams</c>.</summary>
/// <param name="Flows">Streams to open, each with its flow.</param>
/// <param name="DatagramsPerFlow">Datagrams the client sends on each flow before its FIN.</param>
/// <param name="Engine">The engine's name.</param>
internal sealed record DatagramsOptions(int Flows, int DatagramsPerFlow, string Engine);

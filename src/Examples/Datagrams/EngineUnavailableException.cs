namespace QuicActors.Examples.Datagrams;

/// <summary>The chosen engine cannot run on this machine; the message says why.</summary>
internal sealed class EngineUnavailableException(string message) : Exception(message);

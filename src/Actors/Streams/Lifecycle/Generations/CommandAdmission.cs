namespace QuicActors.Streams;

/// <summary>The verdict of <see cref="GenerationTracker.Check"/> on a command from a stream handle.</summary>
public enum CommandAdmission
{
    /// <summary>The handle belongs to the current generation: the command may reach the engine.</summary>
    Admitted,

    /// <summary>The handle's generation has ended (0-RTT rejected): refuse, send nothing.</summary>
    StaleGeneration,

    /// <summary>The connection has closed: refuse, send nothing.</summary>
    ConnectionClosed,

    /// <summary>The stamp names another connection or a generation that never existed: a bug in the host.</summary>
    ForeignStamp,
}

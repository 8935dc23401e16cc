using QuicActors.Transport;
using QuicActors.Transport.InMemory;
using QuicActors.Transport.MsQuic;
using QuicActors.Transport.Ngtcp2;

namespace QuicActors.Hosting.Internal;

/// <summary>The one place that turns an engine name from configuration or a command line into an engine.</summary>
internal static class QuicEngines
{
    /// <summary>Creates the engine called <paramref name="name"/>; an in-memory engine joins <paramref name="network"/> (default: the shared one).</summary>
    /// <exception cref="ArgumentException">The name is not a known engine; the message lists the known ones.</exception>
    /// <exception cref="QuicTransportException">The engine cannot run here (<see cref="QuicTransportError.EngineUnavailable"/>); the message says why.</exception>
    public static IQuicEngine Create(string name, InMemoryNetwork? network = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        IQuicEngine engine = name switch
        {
            InMemoryQuicEngine.EngineName => new InMemoryQuicEngine(new InMemoryEngineOptions { Network = network ?? InMemoryNetwork.Shared }),
            Ngtcp2Engine.EngineName => new Ngtcp2Engine(),
            MsQuicEngine.EngineName => new MsQuicEngine(),
            _ => throw new ArgumentException($"Unknown engine \"{name}\"; known engines: {string.Join(", ", HostingConfig.EngineNames)}.", nameof(name)),
        };
        ThrowIfUnavailable(engine);
        return engine;
    }

    /// <exception cref="QuicTransportException">The engine cannot run here; the message names it and says why.</exception>
    public static void ThrowIfUnavailable(IQuicEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (!engine.IsAvailable)
        {
            throw new QuicTransportException(QuicTransportError.EngineUnavailable, $"The {engine.Name} engine is unavailable here: {engine.UnavailableReason ?? "no reason given"}");
        }
    }
}

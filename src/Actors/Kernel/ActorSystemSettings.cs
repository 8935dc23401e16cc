using Serilog;

namespace QuicActors.Kernel;

/// <summary>The settings an <see cref="ActorSystem"/> runs with; every default is usable as is.</summary>
public sealed record ActorSystemSettings
{
    private readonly int _throughput = 30;
    private readonly TimeSpan _askTimeout = TimeSpan.FromSeconds(10);
    private readonly DispatcherKind _dispatcher = DispatcherKind.Workers;

    /// <summary>The defaults.</summary>
    public static ActorSystemSettings Default { get; } = new();

    /// <summary>Messages an actor processes per turn before it yields its thread (default 30).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int Throughput
    {
        get => _throughput;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Throughput));
            _throughput = value;
        }
    }

    /// <summary>Which threads run actors' turns unless their <see cref="Props.Dispatcher"/> says otherwise (default <see cref="DispatcherKind.Workers"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="DispatcherKind"/>.</exception>
    public DispatcherKind Dispatcher
    {
        get => _dispatcher;
        init
        {
            if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(nameof(Dispatcher), value, "Unknown dispatcher kind.");
            _dispatcher = value;
        }
    }

    /// <summary>The timeout of an Ask that does not give one (default 10 s).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan DefaultAskTimeout
    {
        get => _askTimeout;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, nameof(DefaultAskTimeout));
            _askTimeout = value;
        }
    }

    /// <summary>
    /// The clock of the scheduler, actor timers, receive timeouts, FSM state timeouts and Ask and
    /// graceful-stop timeouts. Tests pass a virtual clock here.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the kernel logs (default: nowhere).</summary>
    public ILogger Logger { get; init; } = Serilog.Core.Logger.None;

    /// <summary>Log each dead letter at Information level (they are always published on the event stream).</summary>
    public bool LogDeadLetters { get; init; } = true;

    /// <summary>Log dead letters also while the system is terminating.</summary>
    public bool LogDeadLettersDuringShutdown { get; init; }

    /// <summary>Supervises the top-level actors; a failure it escalates terminates the system.</summary>
    public SupervisorStrategy GuardianSupervisorStrategy { get; init; } = SupervisorStrategy.DefaultStrategy;
}

using System.Diagnostics;
using System.Globalization;
using QuicActors.Kernel;

namespace QuicActors.Benchmarks;

/// <summary>
/// Kernel benchmarks, defined so they compare with other actor runtimes on the same machine:
/// <list type="bullet">
/// <item><c>pingpong &lt;pairs&gt; &lt;inflight&gt;</c>: pairs of actors bouncing <c>inflight</c> messages each; every receive on either side counts (msg/s).</item>
/// <item><c>tell</c>: one plain thread tells one counting actor, at most 200,000 unprocessed (msg/s).</item>
/// <item><c>dispatch &lt;handlers&gt;</c>: as <c>tell</c>, to a <see cref="ReceiveActor"/> with that many typed handlers, each message type in turn (msg/s).</item>
/// <item><c>spawn</c>: a parent creates a child, watches it, stops it, creates the next on Terminated (actors/s).</item>
/// <item><c>memory &lt;n&gt; [--touched]</c>: n idle top-level actors, all started (with <c>--touched</c>: each has also taken one message, so it has a mailbox queue); managed heap delta after a full GC / n (bytes), after a 200-actor warm-up.</item>
/// <item><c>idle</c>: after a burst of pingpong, the process CPU time per second while nothing happens (cores; the dispatcher must park, not spin).</item>
/// </list>
/// </summary>
internal static class KernelBenchmarks
{
    public static int Run(string[] args)
    {
        var positional = new List<string>();
        var warmup = 2.0;
        var measure = 4.0;
        var touched = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--warmup": warmup = Seconds(args, ++i, "--warmup"); break;
                case "--measure": measure = Seconds(args, ++i, "--measure"); break;
                case "--throughput": s_settings = s_settings with { Throughput = Int(Arg(args, ++i, "--throughput"), "--throughput") }; break;
                case "--dispatcher": s_settings = s_settings with { Dispatcher = DispatcherOption(Arg(args, ++i, "--dispatcher")) }; break;
                case "--touched": touched = true; break;
                default: positional.Add(args[i]); break;
            }
        }
        if (positional.Count == 0) return Usage("missing scenario");
        var timing = (TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(measure));
        return positional[0] switch
        {
            "pingpong" when positional.Count == 3 => PingPong(Int(positional[1], "pairs"), Int(positional[2], "inflight"), timing),
            "tell" => Tell(timing),
            "dispatch" when positional.Count == 2 => Dispatch(Int(positional[1], "handlers"), timing),
            "spawn" => Spawn(timing),
            "memory" when positional.Count == 2 => Memory(Int(positional[1], "n"), touched),
            "idle" => Idle(timing),
            _ => Usage($"unknown scenario or wrong arguments: {string.Join(' ', positional)}"),
        };
    }

    /// <summary>The settings every scenario's system runs with (<c>--throughput N</c> overrides the batch size).</summary>
    private static ActorSystemSettings s_settings = ActorSystemSettings.Default;

    private static string Arg(string[] args, int index, string option)
        => index < args.Length ? args[index] : throw new ArgumentException($"{option} needs a value");

    private static DispatcherKind DispatcherOption(string text) => text switch
    {
        "workers" => DispatcherKind.Workers,
        "thread-pool" => DispatcherKind.ThreadPool,
        _ => throw new ArgumentException($"--dispatcher must be workers or thread-pool, got '{text}'"),
    };

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"kernel: {problem}. Scenarios: pingpong <pairs> <inflight> | tell | dispatch <handlers> | spawn | memory <n> [--touched] | idle; options --warmup S --measure S --throughput N --dispatcher workers|thread-pool");
        return 2;
    }

    private static double Seconds(string[] args, int index, string option)
    {
        if (index >= args.Length || !double.TryParse(args[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || s < 0)
            throw new ArgumentException($"{option} needs a non-negative number of seconds");
        return s;
    }

    private static int Int(string text, string name)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 1)
            throw new ArgumentException($"<{name}> must be a positive integer, got '{text}'");
        return value;
    }

    private static void Result(string name, double value, string unit)
        => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {name} {value:F0} {unit}"));

    /// <summary>
    /// Samples <paramref name="counter"/> after the warm-up and after the measure period. Also prints the count
    /// per second of process CPU time (an INFO line): on a machine shared with other work that figure is far
    /// steadier than the wall-clock rate and shows whether a change made the kernel cheaper.
    /// </summary>
    private static double Rate(Func<long> counter, (TimeSpan Warmup, TimeSpan Measure) timing, string name)
    {
        Thread.Sleep(timing.Warmup);
        using var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var start = counter();
        var clock = Stopwatch.StartNew();
        using var windows = FullCoreWindows.Start(counter);
        Thread.Sleep(timing.Measure);
        var end = counter();
        var elapsed = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"INFO {name} {(end - start) / Math.Max(cpu, 1e-9):F0} per-cpu-second ({cpu / elapsed:F2} cores busy)"));
        if (windows is not null) Console.WriteLine($"WINDOWS {name} {windows.Stop("per-second")}");
        return (end - start) / elapsed;
    }

    /// <summary>
    /// A count that is written on every message, alone on its cache line. Unpadded, the counters of two actors on two
    /// cores could share a line (they are allocated by whichever worker ran their Create turns) and every message
    /// then moved the line between the cores: the benchmark measured its own false sharing.
    /// </summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct PaddedCount
    {
        [System.Runtime.InteropServices.FieldOffset(64)] public long Value;
    }

    private sealed class Ball
    {
        public static readonly Ball Instance = new();
    }

    private sealed record Serve(IActorRef Ponger, int Inflight);

    private sealed class Ponger : ActorBase
    {
        public PaddedCount Received;

        protected override bool Receive(object message)
        {
            Received.Value++;
            Sender.Tell(message, Self);
            return true;
        }
    }

    private sealed class Pinger : ActorBase
    {
        public PaddedCount Received;

        protected override bool Receive(object message)
        {
            if (message is Serve serve)
            {
                for (var i = 0; i < serve.Inflight; i++) serve.Ponger.Tell(Ball.Instance, Self);
                return true;
            }
            Received.Value++;
            Sender.Tell(message, Self);
            return true;
        }
    }

    private static int PingPong(int pairs, int inflight, (TimeSpan, TimeSpan) timing)
    {
        using var system = ActorSystem.Create("pingpong", s_settings);
        var pingers = new List<Pinger>();
        var pongers = new List<Ponger>();
        for (var p = 0; p < pairs; p++)
        {
            var ponger = system.ActorOf(Props.Create(() => Capture(new Ponger(), pongers)));
            var pinger = system.ActorOf(Props.Create(() => Capture(new Pinger(), pingers)));
            pinger.Tell(new Serve(ponger, inflight), null);
        }
        long Total()
        {
            long sum = 0;
            lock (pingers) foreach (var a in pingers) sum += Volatile.Read(ref a.Received.Value);
            lock (pongers) foreach (var a in pongers) sum += Volatile.Read(ref a.Received.Value);
            return sum;
        }
        var name = $"pingpong_{pairs}_{inflight}";
        Result(name, Rate(Total, timing, name), "msg/s");
        return 0;
    }

    private static T Capture<T>(T actor, List<T> list)
    {
        lock (list) list.Add(actor);
        return actor;
    }

    private sealed class Counter : ActorBase
    {
        public long Received;

        protected override bool Receive(object message)
        {
            Volatile.Write(ref Received, Received + 1);
            return true;
        }
    }

    private static int Tell((TimeSpan, TimeSpan) timing)
    {
        Counter? counter = null;
        var rate = TellRate(system => system.ActorOf(Props.Create(() => counter = new Counter())),
            () => counter is null ? 0 : Volatile.Read(ref counter.Received), [Ball.Instance], timing, "tell");
        Result("tell", rate, "msg/s");
        return 0;
    }

    /// <summary>A message type per handler of <see cref="ManyHandlers"/>: Typed&lt;Typed&lt;...&lt;Ball&gt;&gt;&gt;.</summary>
    private sealed class Typed<T>;

    private sealed class ManyHandlers : ReceiveActor
    {
        public long Received;

        public ManyHandlers(Type[] messageTypes)
        {
            var add = typeof(ManyHandlers).GetMethod(nameof(Add), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
            foreach (var type in messageTypes) add.MakeGenericMethod(type).Invoke(this, null);
        }

        private void Add<T>() => Receive<T>(_ => Volatile.Write(ref Received, Received + 1));
    }

    private static int Dispatch(int handlers, (TimeSpan, TimeSpan) timing)
    {
        var types = new Type[handlers];
        var type = typeof(Ball);
        for (var i = 0; i < handlers; i++) types[i] = type = typeof(Typed<>).MakeGenericType(type);
        var messages = types.Select(t => Activator.CreateInstance(t)!).ToArray();
        ManyHandlers? actor = null;
        var name = $"dispatch_{handlers}";
        var rate = TellRate(system => system.ActorOf(Props.Create(() => actor = new ManyHandlers(types))),
            () => actor is null ? 0 : Volatile.Read(ref actor.Received), messages, timing, name);
        Result(name, rate, "msg/s");
        return 0;
    }

    /// <summary>One plain thread tells <paramref name="messages"/> round-robin, at most 200,000 unprocessed.</summary>
    private static double TellRate(Func<ActorSystem, IActorRef> create, Func<long> processed, object[] messages,
        (TimeSpan, TimeSpan) timing, string name)
    {
        const long maxOutstanding = 200_000;
        using var system = ActorSystem.Create("tell", s_settings);
        var target = create(system);
        var stop = 0;
        long sent = 0;
        var sender = new Thread(() =>
        {
            var next = 0;
            while (Volatile.Read(ref stop) == 0)
            {
                if (sent - processed() >= maxOutstanding)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                if (messages.Length == 1)
                {
                    var message = messages[0];
                    for (var i = 0; i < 1000; i++) target.Tell(message, null);
                }
                else
                {
                    for (var i = 0; i < 1000; i++)
                    {
                        target.Tell(messages[next], null);
                        if (++next == messages.Length) next = 0;
                    }
                }
                sent += 1000;
            }
        }) { IsBackground = true, Name = "tell-sender" };
        sender.Start();
        var rate = Rate(processed, timing, name);
        // Which regime the run ended in: about 0 when the consumer keeps up with the sender (the rate is the
        // sender's), up to 200,000 when it does not (the rate is the consumer's); see KERNEL.md.
        Console.WriteLine($"DEPTH {name} {Volatile.Read(ref sent) - processed()} unprocessed at the end");
        Volatile.Write(ref stop, 1);
        sender.Join();
        return rate;
    }

    private sealed class Child : ActorBase
    {
        protected override bool Receive(object message) => true;
    }

    private sealed class SpawnParent : ActorBase
    {
        private static readonly Props ChildProps = Props.Create<Child>();
        public long Spawned;

        protected override void PreStart() => Next();

        private void Next()
        {
            var child = Context.ActorOf(ChildProps);
            Context.Watch(child);
            Context.Stop(child);
        }

        protected override bool Receive(object message)
        {
            if (message is not Terminated) return false;
            Volatile.Write(ref Spawned, Spawned + 1);
            Next();
            return true;
        }
    }

    private static int Spawn((TimeSpan, TimeSpan) timing)
    {
        using var system = ActorSystem.Create("spawn", s_settings);
        SpawnParent? parent = null;
        system.ActorOf(Props.Create(() => parent = new SpawnParent()));
        Result("spawn", Rate(() => parent is null ? 0 : Volatile.Read(ref parent.Spawned), timing, "spawn"), "actors/s");
        return 0;
    }

    private sealed class IdleActor : ReceiveActor
    {
        public static int Started;
        public static int Touched;

        public IdleActor() => Receive<string>(_ => Interlocked.Increment(ref Touched));

        protected override void PreStart() => Interlocked.Increment(ref Started);
    }

    private static int Memory(int n, bool touched)
    {
        using var system = ActorSystem.Create("memory", s_settings);
        var props = Props.Create<IdleActor>();
        void Spawn(int count)
        {
            var started = Volatile.Read(ref IdleActor.Started) + count;
            var actors = new IActorRef[count];
            for (var i = 0; i < count; i++) actors[i] = system.ActorOf(props);
            WaitFor(ref IdleActor.Started, started, "actors did not start");
            if (touched)
            {
                var handled = Volatile.Read(ref IdleActor.Touched) + count;
                foreach (var actor in actors) actor.Tell("touch", null);
                WaitFor(ref IdleActor.Touched, handled, "actors did not take their message");
            }
            // Let the mailbox turns that ran the creations finish before measuring.
            Thread.Sleep(200);
        }
        Spawn(200);
        var before = FullGcHeap();
        Spawn(n);
        var after = FullGcHeap();
        GC.KeepAlive(system);
        Result(touched ? "memory_touched" : "memory", (after - before) / (double)n, "bytes/actor");
        return 0;
    }

    private static void WaitFor(ref int counter, int target, string problem)
    {
        var wait = Stopwatch.StartNew();
        while (Volatile.Read(ref counter) < target)
        {
            if (wait.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException(problem);
            Thread.Sleep(1);
        }
    }

    /// <summary>Runs pingpong for the warm-up, stops it, then measures how busy the idle process is.</summary>
    private static int Idle((TimeSpan Warmup, TimeSpan Measure) timing)
    {
        using var system = ActorSystem.Create("idle", s_settings);
        var pairs = new List<(IActorRef, IActorRef)>();
        for (var p = 0; p < 2; p++)
        {
            var ponger = system.ActorOf(Props.Create(() => new Ponger()));
            var pinger = system.ActorOf(Props.Create(() => new Pinger()));
            pinger.Tell(new Serve(ponger, 100), null);
            pairs.Add((pinger, ponger));
        }
        Thread.Sleep(timing.Warmup);
        foreach (var (pinger, ponger) in pairs)
        {
            system.Stop(pinger);
            system.Stop(ponger);
        }
        Thread.Sleep(TimeSpan.FromMilliseconds(200));
        using var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Thread.Sleep(timing.Measure);
        process.Refresh();
        var cores = (process.TotalProcessorTime - cpuStart).TotalSeconds / clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT idle {cores * 1000:F1} millicores"));
        return 0;
    }

    private static long FullGcHeap() => QuicActors.TestKit.ManagedHeap.LiveBytesAfterFullCollection();
}

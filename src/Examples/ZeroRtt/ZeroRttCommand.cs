using System.CommandLine;
using QuicActors.Examples.Common;
using QuicActors.Transport;

namespace QuicActors.Examples.ZeroRtt;

/// <summary><c>zero-rtt [--engine E] [--policy reject|accept]</c>: a 0-RTT rejection, the restart into a new generation, the inert old handle and the replay.</summary>
internal static class ZeroRttCommand
{
    public static Command Create()
    {
        var engine = EngineOption.Create(ExampleEngines.DefaultEngine);
        var policy = new Option<EarlyDataPolicy>("--policy") { Description = "The server's early-data policy: Reject (the story) or Accept.", DefaultValueFactory = _ => EarlyDataPolicy.Reject };
        var command = new Command("zero-rtt", "Show a 0-RTT rejection: the clean restart into a new generation, the inert old handle, and the replay.") { engine, policy };
        command.SetAction((result, cancellationToken) => ZeroRttDemo.RunAsync(
            new ZeroRttDemo.Options(result.GetValue(engine)!, result.GetValue(policy)),
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }
}

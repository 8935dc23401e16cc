using System.CommandLine;
using QuicActors.Examples.Churn;
using QuicActors.Examples.Echo;
using QuicActors.Examples.ZeroRtt;

namespace QuicActors.Examples.Commands;

/// <summary>The <c>quic-actors</c> command line: one subcommand per example or tool, each in its own file.</summary>
internal static class CommandLineRoot
{
    public static RootCommand Create()
    {
        var root = new RootCommand("QuicActors examples and tools: every QUIC stream is an actor.");
        root.Add(ConfigCommand.Create());
        root.Add(ChurnCommand.Create());
        root.Add(EchoCommand.Create());
        root.Add(ZeroRttCommand.Create());
        root.Add(Datagrams.DatagramsCommand.Create());
        return root;
    }
}

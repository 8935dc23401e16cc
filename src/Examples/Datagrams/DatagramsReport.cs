using System.Globalization;
using QuicActors.Streams;

namespace QuicActors.Examples.Datagrams;

/// <summary>What the example counted, from both connection actors' <see cref="DatagramFlowStatus"/>.</summary>
internal sealed record DatagramsReport(DatagramFlowStatus Client, DatagramFlowStatus Server, int FlowsLeft, TimeSpan Elapsed)
{
    public long FlowsOpened => Client.FlowsBound;

    public long Sent => Client.Sent + Server.Sent;

    public long Received => Client.Delivered + Server.Delivered;

    public long Refused => Client.Refused + Server.Refused;

    public long Dropped => DroppedAt(Client) + DroppedAt(Server);

    /// <summary>Human lines, then one <c>RESULT name value</c> line per figure.</summary>
    public void Write(TextWriter output)
    {
        output.WriteLine(Line("client", Client));
        output.WriteLine(Line("server", Server));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"flows opened {FlowsOpened}, datagrams sent {Sent}, received {Received}, refused {Refused}, dropped {Dropped}; flows left {FlowsLeft}"));
        Result(output, "flows_opened", FlowsOpened);
        Result(output, "datagrams_sent", Sent);
        Result(output, "datagrams_received", Received);
        Result(output, "datagrams_refused", Refused);
        Result(output, "datagrams_dropped", Dropped);
        Result(output, "flows_left", FlowsLeft);
        Result(output, "elapsed_ms", (long)Elapsed.TotalMilliseconds);
    }

    private static long DroppedAt(DatagramFlowStatus status) =>
        status.DroppedReceiveClosed + status.DroppedNoFlow + status.DroppedQueueFull + status.DroppedMalformed;

    private static string Line(string side, DatagramFlowStatus status) => string.Create(
        CultureInfo.InvariantCulture,
        $"{side}: flows bound {status.FlowsBound}, removed {status.FlowsRemoved}; sent {status.Sent}, refused {status.Refused}; received {status.Delivered}; dropped {status.DroppedReceiveClosed} after the receive half closed, {status.DroppedNoFlow} without a flow, {status.DroppedQueueFull} with a full queue, {status.DroppedMalformed} malformed");

    private static void Result(TextWriter output, string name, long value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {name} {value}"));
}

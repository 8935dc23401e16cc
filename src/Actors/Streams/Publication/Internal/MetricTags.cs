using QuicActors.Transport;

namespace QuicActors.Streams.Internal;

/// <summary>
/// Every tag the instruments of <see cref="QuicActorsMetrics"/> use, built once: recording a measurement then boxes
/// nothing and formats nothing. Values are lower-case kebab-case.
/// </summary>
internal static class MetricTags
{
    public const string DirectionKey = "quicactors.stream.direction";
    public const string InitiatorKey = "quicactors.stream.initiator";
    public const string HalfKey = "quicactors.stream.half";
    public const string StateKey = "quicactors.stream.state";
    public const string CauseKey = "quicactors.transition.cause";
    public const string SideKey = "quicactors.credit.side";
    public const string ActionKey = "quicactors.linger.action";
    public const string ReasonKey = "quicactors.datagram.reason";

    public static readonly KeyValuePair<string, object?> Bidirectional = new(DirectionKey, "bidirectional");
    public static readonly KeyValuePair<string, object?> Unidirectional = new(DirectionKey, "unidirectional");
    public static readonly KeyValuePair<string, object?> LocalInitiator = new(InitiatorKey, "local");
    public static readonly KeyValuePair<string, object?> PeerInitiator = new(InitiatorKey, "peer");
    public static readonly KeyValuePair<string, object?> InboundSide = new(SideKey, "inbound");
    public static readonly KeyValuePair<string, object?> OutboundSide = new(SideKey, "outbound");
    public static readonly KeyValuePair<string, object?> SendHalf = new(HalfKey, "send");
    public static readonly KeyValuePair<string, object?> ReceiveHalf = new(HalfKey, "receive");

    public static readonly KeyValuePair<string, object?> SendHalfClosed = new(ReasonKey, "send-half-closed");
    public static readonly KeyValuePair<string, object?> NoFlow = new(ReasonKey, "no-flow");
    public static readonly KeyValuePair<string, object?> TooLarge = new(ReasonKey, "too-large");
    public static readonly KeyValuePair<string, object?> EngineQueueFull = new(ReasonKey, "engine-queue-full");
    public static readonly KeyValuePair<string, object?> ReceiveHalfClosed = new(ReasonKey, "receive-half-closed");
    public static readonly KeyValuePair<string, object?> QueueFull = new(ReasonKey, "queue-full");
    public static readonly KeyValuePair<string, object?> Malformed = new(ReasonKey, "malformed");

    private static readonly KeyValuePair<string, object?>[] SendStates = Build<SendState>(StateKey);
    private static readonly KeyValuePair<string, object?>[] ReceiveStates = Build<ReceiveState>(StateKey);
    private static readonly KeyValuePair<string, object?>[] Causes = Build<TransitionCause>(CauseKey);
    private static readonly KeyValuePair<string, object?>[] Actions =
    [
        new(ActionKey, "drain"),
        new(ActionKey, "stop-sending"),
        new(ActionKey, "fin"),
        new(ActionKey, "reset"),
    ];

    public static KeyValuePair<string, object?> Direction(QuicStreamId streamId) =>
        streamId.Direction == StreamDirection.Bidirectional ? Bidirectional : Unidirectional;

    public static KeyValuePair<string, object?> Initiator(QuicStreamId streamId, QuicConnectionRole role) =>
        streamId.Initiator == role ? LocalInitiator : PeerInitiator;

    public static KeyValuePair<string, object?> Half(StreamHalf half) => half == StreamHalf.Send ? SendHalf : ReceiveHalf;

    public static KeyValuePair<string, object?> State(in StreamTransition transition) =>
        transition.Half == StreamHalf.Send ? SendStates[(int)transition.Send.To] : ReceiveStates[(int)transition.Receive.To];

    public static KeyValuePair<string, object?> Cause(TransitionCause cause) => Causes[(int)cause];

    /// <summary>The tag of one single-flag <see cref="LingerActions"/> value.</summary>
    public static KeyValuePair<string, object?> Action(LingerActions action) => action switch
    {
        LingerActions.Drain => Actions[0],
        LingerActions.SendStopSending => Actions[1],
        LingerActions.SendFin => Actions[2],
        LingerActions.SendReset => Actions[3],
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Expected exactly one linger action."),
    };

    private static KeyValuePair<string, object?>[] Build<TEnum>(string key)
        where TEnum : struct, Enum
    {
        var values = Enum.GetValues<TEnum>();
        var tags = new KeyValuePair<string, object?>[values.Length];
        foreach (var value in values)
        {
            tags[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)] = new(key, ToKebab(value.ToString()));
        }

        return tags;
    }

    private static string ToKebab(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}

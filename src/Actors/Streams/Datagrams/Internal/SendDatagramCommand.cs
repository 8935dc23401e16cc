namespace QuicActors.Streams.Internal;

/// <summary>Send <see cref="Payload"/> on the flow of the stream <see cref="Stamp"/>; answered true when the engine queued it, false when its send queue was full.</summary>
internal sealed record SendDatagramCommand(StreamHandleStamp Stamp, ReadOnlyMemory<byte> Payload, TaskCompletionSource<bool> Completion);

/// <summary>Asks the connection actor for a <see cref="DatagramFlowStatus"/> snapshot.</summary>
internal sealed record DatagramStatusQuery(TaskCompletionSource<DatagramFlowStatus> Completion);

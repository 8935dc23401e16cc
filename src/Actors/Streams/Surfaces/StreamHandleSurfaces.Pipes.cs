using System.IO.Pipelines;

namespace QuicActors.Streams;

public static partial class StreamHandleSurfaces
{
    /// <summary>
    /// The stream as an <see cref="IDuplexPipe"/>: <see cref="StreamDuplexPipe.Input"/> yields what the peer sends,
    /// <see cref="StreamDuplexPipe.Output"/> sends. Both are backpressured by the pipes' pause thresholds and the stream's
    /// flow-control window (RFC 9000 §4.1); see <see cref="StreamDuplexPipe"/> for completion and abort codes.
    /// </summary>
    /// <param name="stream">The stream.</param>
    /// <param name="pipeOptions">The options of both pipes (<see cref="PipeOptions.Default"/> when null): the pause and
    /// resume thresholds bound what each side buffers beyond the stream window.</param>
    /// <param name="options">Error codes for abandoned directions and the read size; <see cref="StreamSurfaceOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public static StreamDuplexPipe AsDuplexPipe(this StreamHandle stream, PipeOptions? pipeOptions = null, StreamSurfaceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new StreamDuplexPipe(stream, pipeOptions ?? PipeOptions.Default, options ?? StreamSurfaceOptions.Default);
    }
}

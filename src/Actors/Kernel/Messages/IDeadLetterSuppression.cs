namespace QuicActors.Kernel;

/// <summary>
/// A message whose loss is an expected outcome of a race, not a sign of trouble: when it becomes a dead letter it is still
/// published on the event stream as a <see cref="DeadLetter"/> (and an <see cref="IDeadLetterAware"/> one is still told),
/// but it is not logged.
/// </summary>
/// <remarks>
/// Typical case: a handle releases a stream at the moment the stream's actor stops on its own (both halves finished), so
/// the release finds nobody. Logging each of those would put one line per few hundred streams into the log of a healthy
/// process under churn, and a log sink that keeps its events (a test's capture) would grow with the stream count.
/// </remarks>
public interface IDeadLetterSuppression
{
}

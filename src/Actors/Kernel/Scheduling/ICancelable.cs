namespace QuicActors.Kernel;

/// <summary>A scheduled action that can be cancelled.</summary>
public interface ICancelable
{
    /// <summary>Whether <see cref="Cancel"/> was called.</summary>
    bool IsCancellationRequested { get; }

    /// <summary>Prevents any further firing; a message already delivered stays delivered.</summary>
    void Cancel();
}

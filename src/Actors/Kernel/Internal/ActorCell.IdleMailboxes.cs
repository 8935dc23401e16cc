using System.Runtime.InteropServices;

namespace QuicActors.Kernel.Internal;

/// <summary>
/// Idle actors give their mailbox queue back: after each full garbage collection the actor tree is walked
/// once, and every actor that is not running and whose queue is empty drops the queue (the next message
/// creates a new one). An idle actor then costs its cell, not its cell plus a queue (issue #5: an idle QUIC
/// stream is a few such actors).
/// </summary>
/// <remarks>
/// <para>
/// Why after a collection and not at the end of a turn: a turn cannot tell the last message of a burst from
/// one in the middle of an exchange, and dropping the queue at every turn that empties it would allocate a
/// queue per message in a request-response exchange. A full collection is rare, comes when memory matters,
/// and by then an actor whose queue is empty has usually been idle for a long while. One walk per system,
/// no timer per actor.
/// </para>
/// <para>
/// The walk takes an actor's scheduled bit (as a turn does), so it is the queue's only consumer while it
/// retires the queue; producers that still hold the retired queue move to the next one
/// (<see cref="EnqueueAfterRetirement"/>). Releasing the bit re-checks for work, as the end of a turn does,
/// so a message that arrived meanwhile schedules the actor.
/// </para>
/// </remarks>
internal sealed partial class ActorCell
{
    /// <summary>Starts the sweeps for the actor tree under this (root) cell; they stop when it terminates or is collected.</summary>
    private void StartIdleMailboxSweeps() => _ = new IdleMailboxSweep(this);

    /// <summary>Drops the empty queues of every actor in this subtree that is not running right now.</summary>
    internal void ReleaseIdleMailboxes()
    {
        var pending = new Stack<ActorCell>();
        pending.Push(this);
        while (pending.TryPop(out var cell))
        {
            cell.TryReleaseIdleMailbox();
            foreach (var child in cell.ChildrenSnapshot()) pending.Push(child);
        }
    }

    /// <summary>Drops this actor's queue if it is empty and no turn is running; true when dropped.</summary>
    internal bool TryReleaseIdleMailbox()
    {
        var mailbox = Volatile.Read(ref _mailbox);
        if (mailbox is null || !mailbox.IsEmpty) return false;
        // Become the consumer for a moment, exactly as a turn would; a running or closed actor is left alone.
        if (Interlocked.CompareExchange(ref _status, StatusScheduled, 0) != 0) return false;
        var released = mailbox.TryRetire();
        if (released) Interlocked.CompareExchange(ref _mailbox, null, mailbox);
        Interlocked.And(ref _status, ~StatusScheduled);
        if (HasWorkToDo) Schedule();
        return released;
    }

    /// <summary>
    /// A finalizable object that re-registers itself: its finalizer runs after each collection of the
    /// generation it lives in (after its first few, only full ones) and sweeps the tree it watches.
    /// </summary>
    /// <remarks>
    /// It holds the root through a weak GC handle, not a <see cref="WeakReference{T}"/>: that is a finalizable
    /// object of its own, unreachable at the same moment as this one, and may be finalized (and cleared)
    /// first.
    /// </remarks>
    private sealed class IdleMailboxSweep
    {
        private GCHandle _root;

        public IdleMailboxSweep(ActorCell root) => _root = GCHandle.Alloc(root, GCHandleType.Weak);

        ~IdleMailboxSweep()
        {
            if (Environment.HasShutdownStarted || _root.Target is not ActorCell root || root.IsTerminated)
            {
                _root.Free();
                return;
            }
            try
            {
                root.ReleaseIdleMailboxes();
            }
            catch (Exception e)
            {
                // A finalizer must not throw; a failed sweep only means queues are kept until the next one.
                root._system.Log.Error(e, "Releasing idle mailboxes under {ActorPath:l} failed", root.Path.ToString());
            }
            GC.ReRegisterForFinalize(this);
        }
    }
}

using System.Collections.Concurrent;
using QuicActors.Kernel;

namespace QuicActors.TestKit.Internal;

/// <summary>A message received by a test actor, with its sender.</summary>
internal readonly record struct ReceivedMessage(object Message, IActorRef Sender);

/// <summary>Asks a test actor to watch or unwatch an actor (death watch is done from inside an actor).</summary>
internal sealed record WatchRequest(IActorRef Subject, bool Watch);

/// <summary>The actor behind a TestKit or probe: queues every message for the test thread to inspect.</summary>
internal sealed class TestActor(BlockingCollection<ReceivedMessage> queue) : ActorBase
{
    protected override bool Receive(object message)
    {
        if (message is WatchRequest request)
        {
            if (request.Watch) Context.Watch(request.Subject);
            else Context.Unwatch(request.Subject);
            return true;
        }
        queue.Add(new ReceivedMessage(message, Sender));
        return true;
    }
}

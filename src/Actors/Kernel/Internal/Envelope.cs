namespace QuicActors.Kernel.Internal;

/// <summary>A user message with its sender, stored by value in the mailbox.</summary>
internal readonly record struct Envelope(object Message, IActorRef? Sender);

namespace QuicActors.Kernel.Internal;

/// <summary>The ordered handlers of one <see cref="ReceiveActor"/> behaviour (a small array, grown by hand to stay small).</summary>
internal sealed class HandlerSet
{
    private MessageHandler[] _handlers = [];

    public void Add(MessageHandler handler)
    {
        var grown = new MessageHandler[_handlers.Length + 1];
        _handlers.CopyTo(grown, 0);
        grown[^1] = handler;
        _handlers = grown;
    }

    public bool TryHandle(object message)
    {
        foreach (var handler in _handlers)
        {
            if (handler.TryHandle(message)) return true;
        }
        return false;
    }
}

using FsCheck;
using FsCheck.Fluent;
using QuicActors.Transport.MsQuic.Internal;

namespace QuicActors.Transport.Tests.MsQuic;

public sealed class StreamCreditLedgerTests
{
    [Fact]
    public void No_credit_before_the_peer_grants_any()
    {
        var ledger = new StreamCreditLedger();
        Assert.False(ledger.TryReserve());
        Assert.Equal(0, ledger.Available);
    }

    [Fact]
    public void Increments_add_up_to_the_cumulative_limit_and_opens_take_from_it()
    {
        var ledger = new StreamCreditLedger();
        ledger.Grant(2);
        Assert.True(ledger.TryReserve());
        Assert.True(ledger.TryReserve());
        Assert.False(ledger.TryReserve());
        ledger.Grant(1);
        Assert.Equal(3, ledger.MaxStreams);
        Assert.True(ledger.TryReserve());
        Assert.Equal(3, ledger.Opened);
        Assert.Equal(0, ledger.Available);
    }

    [Fact]
    public async Task Waiting_opens_are_granted_in_order_and_the_101st_proceeds_exactly_when_one_slot_comes_back()
    {
        var ledger = new StreamCreditLedger();
        ledger.Grant(100);
        for (var i = 0; i < 100; i++) Assert.True(ledger.TryReserve());
        var first = ledger.Enqueue();
        var second = ledger.Enqueue();
        Assert.False(first.Granted.IsCompleted);

        Assert.Equal(1, ledger.Grant(1));
        Assert.True(await first.Granted);
        Assert.False(second.Granted.IsCompleted);
        Assert.Equal(0, ledger.Available);
    }

    [Fact]
    public async Task Nobody_jumps_the_queue()
    {
        var ledger = new StreamCreditLedger();
        var waiter = ledger.Enqueue();
        Assert.False(ledger.TryReserve());
        ledger.Grant(2);
        Assert.True(await waiter.Granted);
        Assert.True(ledger.TryReserve());
        Assert.Equal(2, ledger.Opened);
    }

    [Fact]
    public async Task A_cancelled_wait_is_removed_and_consumes_no_credit()
    {
        var ledger = new StreamCreditLedger();
        var cancelled = ledger.Enqueue();
        var next = ledger.Enqueue();
        Assert.True(ledger.Remove(cancelled));
        Assert.False(await cancelled.Granted);
        Assert.False(ledger.Remove(cancelled));

        ledger.Grant(1);
        Assert.True(await next.Granted);
        Assert.Equal(1, ledger.Opened);
    }

    [Fact]
    public async Task Closing_fails_every_waiting_open()
    {
        var ledger = new StreamCreditLedger();
        var a = ledger.Enqueue();
        var b = ledger.Enqueue();
        ledger.Close();
        Assert.False(await a.Granted);
        Assert.False(await b.Granted);
        Assert.Equal(0, ledger.Waiting);
    }

    [Fact]
    public void Unused_credit_goes_back()
    {
        var ledger = new StreamCreditLedger();
        ledger.Grant(1);
        Assert.True(ledger.TryReserve());
        ledger.ReturnUnused();
        Assert.Equal(1, ledger.Available);
    }

    [Fact]
    public void A_negative_increment_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamCreditLedger().Grant(-1));

    [Fact]
    public void Credit_is_conserved_under_any_mix_of_grants_opens_and_cancellations() =>
        Prop.ForAll(Gen.ListOf(Gen.Choose(0, 3)).ToArbitrary(), ops =>
        {
            var ledger = new StreamCreditLedger();
            var waiters = new List<StreamCreditLedger.Waiter>();
            long granted = 0;
            foreach (var op in ops)
            {
                switch (op)
                {
                    case 0: ledger.Grant(1); granted++; break;
                    case 1: ledger.TryReserve(); break;
                    case 2: if (!ledger.TryReserve()) waiters.Add(ledger.Enqueue()); break; // how OpenStreamAsync uses it
                    default: if (waiters.Count > 0) { ledger.Remove(waiters[0]); waiters.RemoveAt(0); } break;
                }
                if (ledger.Opened > ledger.MaxStreams || ledger.MaxStreams != granted) return false;
                if (ledger.Waiting > 0 && ledger.Available > 0) return false;
            }
            var grantedWaiters = waiters.Count(w => w.Granted.IsCompletedSuccessfully && w.Granted.GetAwaiter().GetResult());
            return grantedWaiters <= ledger.Opened;
        }).QuickCheckThrowOnFailure();
}

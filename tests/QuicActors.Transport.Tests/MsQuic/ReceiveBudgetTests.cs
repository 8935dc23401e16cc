using QuicActors.Transport.MsQuic.Internal;

namespace QuicActors.Transport.Tests.MsQuic;

public sealed class ReceiveBudgetTests
{
    [Fact]
    public void Delivered_bytes_fill_the_window_and_consumed_bytes_empty_it()
    {
        var budget = new ReceiveBudget(100);
        budget.Deliver(60);
        Assert.Equal(40, budget.Available);
        budget.Deliver(40);
        Assert.Equal(0, budget.Available);
        Assert.True(budget.TryRelease(30));
        Assert.Equal(30, budget.Available);
        Assert.Equal(70, budget.Outstanding);
    }

    [Fact]
    public async Task A_full_window_waits_until_the_application_consumes()
    {
        var budget = new ReceiveBudget(10);
        budget.Deliver(10);
        var wait = budget.WaitForSpaceAsync();
        Assert.False(wait.IsCompleted);
        Assert.True(budget.TryRelease(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(budget.WaitForSpaceAsync().IsCompleted);
    }

    [Fact]
    public void Consuming_more_than_was_delivered_changes_nothing()
    {
        var budget = new ReceiveBudget(10);
        budget.Deliver(4);
        Assert.False(budget.TryRelease(5));
        Assert.Equal(4, budget.Outstanding);
    }

    [Fact]
    public async Task Closing_wakes_the_reader_for_good()
    {
        var budget = new ReceiveBudget(1);
        budget.Deliver(1);
        var wait = budget.WaitForSpaceAsync();
        budget.Close();
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(budget.IsClosed);
        Assert.True(budget.WaitForSpaceAsync().IsCompleted);
    }

    [Fact]
    public async Task Releasing_everything_returns_the_unconsumed_bytes()
    {
        var budget = new ReceiveBudget(8);
        budget.Deliver(8);
        var wait = budget.WaitForSpaceAsync();
        Assert.Equal(8, budget.ReleaseAll());
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, budget.Outstanding);
    }

    [Fact]
    public void A_window_must_be_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReceiveBudget(0));
}

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>Polls for a state that background work (the outbox dispatcher, pruning) reaches shortly.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The expected state was not reached; last value: {value}");
            }

            await Task.Delay(100);
        }
    }
}

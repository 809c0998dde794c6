using Iess.Identity.Data;
using Iess.Identity.Hosting;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Iess.Identity.Tests.Hosting;

/// <summary>
/// The shared counters on each backend the server can use (SQLite, PostgreSQL, Redis): parallel increments from many
/// requests never lose or repeat a count, a new window starts from zero, and ended windows are pruned.
/// </summary>
public sealed class RateCounterStoreTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(8), TimeSpan.Zero));
    private IessServerFactory? server;
    private TestRedisServer? redis;

    public static TheoryData<string> Backends => ["Sqlite", "PostgreSql", "Redis"];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ParallelIncrements_CountEveryOneExactlyOnce(string backend)
    {
        await StartAsync(backend);
        const int increments = 200;
        var counts = new System.Collections.Concurrent.ConcurrentBag<int>();

        // 16 at a time: as many requests in flight as a busy pair of nodes, within the test server's connection limit.
        await Parallel.ForEachAsync(Enumerable.Range(0, increments), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            await using var scope = server!.CreateScope();
            counts.Add(await scope.ServiceProvider.GetRequiredService<IRateCounterStore>().IncrementAsync("test-parallel", "10.1.2.3", TimeSpan.FromMinutes(15)));
        });

        Assert.Equal(Enumerable.Range(1, increments), counts.Order());
        Assert.Equal(increments, await ReadAsync("test-parallel", "10.1.2.3", TimeSpan.FromMinutes(15)));
        Assert.Equal(0, await ReadAsync("test-parallel", "10.1.2.4", TimeSpan.FromMinutes(15)));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task NextWindow_StartsFromZero_AndEndedWindowsArePruned(string backend)
    {
        await StartAsync(backend);
        var window = TimeSpan.FromMinutes(15);
        await using (var scope = server!.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IRateCounterStore>();
            for (var i = 0; i < 3; i++)
            {
                await store.IncrementAsync("test-window", "+593990000999", window);
            }
        }

        clock.Advance(window);
        Assert.Equal(0, await ReadAsync("test-window", "+593990000999", window));
        await using (var scope = server.CreateScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<IRateCounterStore>().IncrementAsync("test-window", "+593990000999", window));
        }

        if (backend != "Redis")
        {
            // Moving the clock past the window fired the pruner's timer; it may also run here, it deletes only ended windows.
            await server.Services.GetRequiredService<RateCounterPruner>().PruneAsync(CancellationToken.None);
            var rows = await Eventually.ValueAsync(
                async () =>
                {
                    await using var scope = server.CreateScope();
                    return await scope.ServiceProvider.GetRequiredService<IessDbContext>().RateCounters.AsNoTracking().ToListAsync();
                },
                rows => rows.Count == 1);
            Assert.Equal(1, rows[0].Count);
            Assert.DoesNotContain("+593", rows[0].Key, StringComparison.Ordinal);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }

    private async Task StartAsync(string backend)
    {
        if (backend == "PostgreSql" && string.IsNullOrEmpty(IessServerFactory.PostgresServer))
        {
            Assert.Fail("IESS_TEST_POSTGRES is not set; scripts/test.sh starts a PostgreSQL server and sets it.");
        }

        server = new IessServerFactory(backend == "PostgreSql" ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite)
            .WithServices(s => s.AddSingleton<TimeProvider>(clock))
            .WithSetting("Iess:Messaging:DispatchInterval", "06:00:00");
        if (backend == "Redis")
        {
            redis = await TestRedisServer.StartAsync();
            server.WithSetting("Iess:Redis", redis.ConnectionString);
        }

        _ = server.BaseAddress;
        await using var scope = server.CreateScope();
        Assert.Equal(backend == "Redis" ? typeof(RedisRateCounterStore) : typeof(DatabaseRateCounterStore), scope.ServiceProvider.GetRequiredService<IRateCounterStore>().GetType());
    }

    private async Task<int> ReadAsync(string counter, string subject, TimeSpan window)
    {
        await using var scope = server!.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IRateCounterStore>().ReadAsync(counter, subject, window);
    }
}

using System.Net;
using Iess.Identity.Data;
using Iess.Identity.Hosting;
using Iess.Identity.Tests.Employers;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Iess.Identity.Tests.Login;

/// <summary>With <c>Iess:Redis</c> set, the per-address sign-in limit counts in Redis (a real redis-server), not in the database.</summary>
public sealed class RedisThrottleTests : IAsyncLifetime
{
    private TestRedisServer redis = null!;
    private IessServerFactory server = null!;

    [Fact]
    public async Task StuffingFromOneAddress_IsThrottledByCountersInRedis()
    {
        using var attacker = new FormClient(server.BaseAddress);
        var answers = new List<string>();
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var response = await attacker.SignInAsync(EmployerIds.NewCedula(), $"Filtrada-{attempt}-2024");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        }

        Assert.All(answers.Take(5), a => Assert.Contains("no son correctas", a));
        Assert.All(answers.Skip(5), a => Assert.Contains("Demasiados intentos desde su red", a));
        Assert.Contains("Demasiados intentos desde su red",
            WebUtility.HtmlDecode(await (await attacker.SignInAsync(DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword)).Content.ReadAsStringAsync()));

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var keys = connection.GetServer(connection.GetEndPoints()[0]).Keys(pattern: "iess:rate:signin-failures-address:*").ToList();
        var key = Assert.Single(keys);
        Assert.Equal(5, (int)await connection.GetDatabase().StringGetAsync(key));
        Assert.InRange((await connection.GetDatabase().KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));

        await using var scope = server.CreateScope();
        Assert.IsType<RedisRateCounterStore>(scope.ServiceProvider.GetRequiredService<IRateCounterStore>());
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<IessDbContext>().RateCounters.CountAsync(c => c.Key.StartsWith("signin-failures-address")));

        // Readiness reports Redis: with it gone, the node says it is not ready.
        Assert.Equal(HttpStatusCode.OK, (await attacker.Http.GetAsync("/health/ready")).StatusCode);
        await redis.DisposeAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await attacker.Http.GetAsync("/health/ready")).StatusCode);

        // A sign-in that needs the counters meanwhile gets the clear 503 page with Retry-After, not a 500.
        using var person = new FormClient(server.BaseAddress);
        using var refused = await person.SignInAsync(EmployerIds.NewCedula(), "Filtrada-final-2024");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    public async Task InitializeAsync()
    {
        redis = await TestRedisServer.StartAsync();
        server = new IessServerFactory()
            .WithSetting("Iess:Redis", redis.ConnectionString)
            .WithSetting("Iess:Login:MaxFailuresPerAddress", "5");
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await redis.DisposeAsync();
    }
}

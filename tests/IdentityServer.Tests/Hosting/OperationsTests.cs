using System.Diagnostics.Metrics;
using System.Net;
using Iess.Identity.Connect;
using Iess.Identity.Data;
using Iess.Identity.Hosting;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.Tests.Hosting;

public sealed class OperationsTests : IAsyncLifetime
{
    private readonly IessServerFactory server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task EveryPage_CarriesSecurityHeaders()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        foreach (var path in new[] { "/Login", "/.well-known/openid-configuration", "/Error/404" })
        {
            using var response = await http.GetAsync(path);
            var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("default-src 'self'", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [Fact]
    public async Task SessionCookie_IsHttpOnlyLaxAndSecure_WhenSecureCookiesIsOn()
    {
        server.WithSetting("Iess:Hosting:SecureCookies", "true");
        using var browser = new FormClient(server.BaseAddress);
        using var response = await browser.SignInAsync(DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("iess.session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", session);
        Assert.Contains("samesite=lax", session);
        Assert.Contains("secure", session);
    }

    [Fact]
    public void Production_WithoutSigningKeys_RefusesToStart()
    {
        server.EnvironmentName = "Production";
        server.WithSetting("Iess:Database:MigrateOnStart", "true");

        var error = Assert.ThrowsAny<Exception>(() => server.BaseAddress);
        Assert.Contains("No signing or encryption key is configured", Flatten(error));
    }

    [Fact]
    public async Task Production_WithPemKeyFiles_StartsAndPublishesEveryKey()
    {
        var files = new[] { "signing-new.pem", "signing-old.pem", "encryption.pem" }.Select(name => KeyFiles.Rsa(server.Folder, name)).ToList();

        server.EnvironmentName = "Production";
        server.WithSetting("Iess:Database:MigrateOnStart", "true")
            .WithSetting("Iess:Connect:RequireHttps", "false")
            .WithSetting("Iess:Connect:SigningKeys:0:Path", files[0])
            .WithSetting("Iess:Connect:SigningKeys:1:Path", files[1])
            .WithSetting("Iess:Connect:EncryptionKeys:0:Path", files[2]);

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var jwks = await http.GetStringAsync("/.well-known/jwks");
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(jwks).RootElement.GetProperty("keys").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dev/mail")).StatusCode);

        // Production has no demo clients (their secrets are in the README) and no demo accounts.
        await using var scope = server.CreateScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        Assert.Null(await applications.FindByClientIdAsync(DemoAccounts.ConfidentialClientId));
        Assert.Null(await applications.FindByClientIdAsync("iess-admin"));
        Assert.False(await scope.ServiceProvider.GetRequiredService<IessDbContext>().Users.AnyAsync());
        var roles = await scope.ServiceProvider.GetRequiredService<IessDbContext>().Roles.Select(r => r.Name).ToListAsync();
        Assert.Equal(["administrator", "helpdesk", "supervisor"], roles.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DevelopmentKeys_SurviveARestart_SoTokensStayValid()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var first = await http.GetStringAsync("/.well-known/jwks");

        await using var restarted = new IessServerFactory();
        restarted.WithSetting("Iess:Connect:DevelopmentKeyFolder", Path.Combine(server.Folder, "keys"));
        using var again = new HttpClient { BaseAddress = restarted.BaseAddress };
        Assert.Equal(first, await again.GetStringAsync("/.well-known/jwks"));
    }

    [Fact]
    public async Task TokenPruner_DeletesExpiredTokens_AndKeepsLiveOnes()
    {
        await using var scope = server.CreateScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var now = DateTimeOffset.UtcNow;
        await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            Subject = "s1", Type = TokenTypeHints.RefreshToken, Status = Statuses.Valid,
            CreationDate = now.AddDays(-20), ExpirationDate = now.AddDays(-6),
        });
        await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            Subject = "s2", Type = TokenTypeHints.RefreshToken, Status = Statuses.Valid,
            CreationDate = now.AddDays(-2), ExpirationDate = now.AddDays(12),
        });

        var (pruned, _) = await server.Services.GetRequiredService<TokenPruner>().PruneAsync(CancellationToken.None);

        Assert.Equal(1, pruned);
        var left = await scope.ServiceProvider.GetRequiredService<IessDbContext>()
            .Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().AsNoTracking().Select(t => t.Subject).ToListAsync();
        Assert.Equal(["s2"], left);
    }

    [Fact]
    public async Task Migrate_OnSqlite_SwitchesTheDatabaseToWriteAheadLogging()
    {
        _ = server.BaseAddress;
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        // With the default rollback journal every token request's commit waited for readers and synced twice.
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task TokenPruner_ManyBatches_DeletesEveryExpiredRevokedOrRedeemedTokenAndNoLiveOne()
    {
        server.WithSetting("Iess:Connect:PruneBatchSize", "50").WithSetting("Iess:Connect:PruneBatchPause", "00:00:00");
        var now = DateTime.UtcNow;
        OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken Token(string subject, string status, int createdDaysAgo, int expiresInDays) =>
            new() { Id = Guid.NewGuid().ToString(), Subject = subject, Type = TokenTypeHints.RefreshToken, Status = status,
                    CreationDate = now.AddDays(-createdDaysAgo), ExpirationDate = now.AddDays(expiresInDays) };
        await using (var scope = server.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
            // 430 prunable tokens (nine batches of 50) mixed in key order with live ones that must stay.
            db.AddRange(Enumerable.Range(0, 400).Select(_ => Token("expired", Statuses.Valid, 20, -6)));
            db.AddRange(Enumerable.Range(0, 20).Select(_ => Token("revoked", Statuses.Revoked, 3, 10)));
            db.AddRange(Enumerable.Range(0, 10).Select(_ => Token("redeemed", Statuses.Redeemed, 3, 10)));
            db.AddRange(Enumerable.Range(0, 60).Select(_ => Token("live", Statuses.Valid, 2, 12)));
            db.AddRange(Enumerable.Range(0, 5).Select(_ => Token("recently-revoked", Statuses.Revoked, 0, 12)));
            await db.SaveChangesAsync();
        }

        var (pruned, _) = await server.Services.GetRequiredService<TokenPruner>().PruneAsync(CancellationToken.None);

        Assert.Equal(430, pruned);
        await using (var scope = server.CreateScope())
        {
            var left = await scope.ServiceProvider.GetRequiredService<IessDbContext>()
                .Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().AsNoTracking()
                .Where(t => t.Subject != null && t.Subject != "s2").GroupBy(t => t.Subject!).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
            Assert.Equal([("live", 60), ("recently-revoked", 5)], left.Select(g => (g.Key, g.Count)).Order().ToArray());
        }
    }

    [Fact]
    public async Task SignIns_AreCountedInTheIessMeter()
    {
        var outcomes = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IessMetrics.MeterName && instrument.Name == "iess.signins")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (outcomes)
            {
                outcomes.Add(tags.ToArray().Single(t => t.Key == "outcome").Value!.ToString()!);
            }
        });
        listener.Start();

        using var browser = new FormClient(server.BaseAddress);
        await browser.SignInAsync(DemoAccounts.SecondAffiliateCedula, "clave-equivocada-123");
        await browser.SignInAsync(DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword);

        lock (outcomes)
        {
            Assert.Contains("failed", outcomes);
            Assert.Contains("success", outcomes);
        }
    }

    [Fact]
    public async Task DevMail_ShowsCapturedMessages_InDevelopment()
    {
        using var browser = new FormClient(server.BaseAddress);
        for (var i = 0; i < 5; i++)
        {
            await browser.SignInAsync(DemoAccounts.AffiliateCedula, "otra-clave-equivocada-" + i);
        }

        var page = await Eventually.ValueAsync(() => browser.Http.GetStringAsync("/dev/mail"), p => p.Contains("maria.perez@example.ec"));
        Assert.Contains("bloqueada temporalmente", page);
        Assert.Contains("No hay mensajes", await browser.Http.GetStringAsync("/dev/sms"));
    }

    [Fact]
    public async Task DataProtectionKeys_AreKeptInTheDatabase_SoEveryNodeSharesThem()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        await http.GetStringAsync("/Login");

        await using var scope = server.CreateScope();
        var keys = await scope.ServiceProvider.GetRequiredService<IessDbContext>().DataProtectionKeys.AsNoTracking().ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Contains("<key ", k.Xml));
    }

    private static string Flatten(Exception error) => error.InnerException is null ? error.Message : error.Message + " | " + Flatten(error.InnerException);
}

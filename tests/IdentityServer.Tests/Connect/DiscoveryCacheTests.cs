using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Iess.Identity.Connect;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Iess.Identity.Tests.Connect;

/// <summary>
/// Discovery and JWKS come from memory after the first request: the same bytes and headers, each host its own
/// issuer, errors never stored. A probe handler inside OpenIddict counts how often it really built a document for a
/// host (and can throw the exception a lost database connection raises), so "served from memory" is observable.
/// </summary>
public sealed class DiscoveryCacheTests(DiscoveryCacheTests.Server server) : IClassFixture<DiscoveryCacheTests.Server>
{
    private static readonly string[] Documents = [DiscoveryCache.ConfigurationPath, DiscoveryCache.JsonWebKeySetPath];

    [Fact]
    public async Task SecondRequest_IsServedFromMemory_WithTheSameBodyAndHeaders()
    {
        foreach (var path in Documents)
        {
            var host = $"same-{Documents.ToList().IndexOf(path)}.example:8443";
            using var first = await SendAsync(HttpMethod.Get, path, host);
            using var second = await SendAsync(HttpMethod.Get, path, host);

            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
            Assert.Equal(Headers(first), Headers(second));
            Assert.Equal("application/json", second.Content.Headers.ContentType?.MediaType);
            Assert.Equal("DENY", second.Headers.GetValues("X-Frame-Options").Single());
            Assert.Contains("frame-ancestors 'none'", second.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal(1, server.Probe.Built(path, host));
        }
    }

    [Fact]
    public async Task EachHost_GetsItsOwnIssuer_DirectlyAndThroughATrustedProxy()
    {
        Assert.Equal("http://a.example:8081/", await IssuerAsync("a.example:8081"));
        Assert.Equal("http://b.example:8082/", await IssuerAsync("b.example:8082"));
        Assert.Equal("http://a.example:8081/", await IssuerAsync("a.example:8081"));
        Assert.Equal(1, server.Probe.Built(DiscoveryCache.ConfigurationPath, "a.example:8081"));

        // Behind the trusted proxy (127.0.0.1) the forwarded scheme and host are the ones in the key and the issuer.
        Assert.Equal("https://c.example/", await IssuerAsync("inner:1", forwardedHost: "c.example"));
        Assert.Equal("https://d.example/", await IssuerAsync("inner:1", forwardedHost: "d.example"));
        Assert.Equal("https://c.example/", await IssuerAsync("inner:1", forwardedHost: "c.example"));
    }

    [Fact]
    public async Task Errors_AreNeitherServedFromNorStoredInTheCache()
    {
        const string path = DiscoveryCache.ConfigurationPath;

        // Another method: OpenIddict's 400 before and after the document is cached.
        using (var post = await SendAsync(HttpMethod.Post, path, "post.example"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        }

        using (var get = await SendAsync(HttpMethod.Get, path, "post.example"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        using (var post = await SendAsync(HttpMethod.Post, path, "post.example"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
            Assert.Equal("invalid_request", JsonDocument.Parse(await post.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        }

        // A database outage while the document is built: 503 with Retry-After, and the next request builds it again.
        server.Probe.FailingHost = "outage.example";
        using (var outage = await SendAsync(HttpMethod.Get, path, "outage.example"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, outage.StatusCode);
            Assert.NotNull(outage.Headers.RetryAfter);
        }

        server.Probe.FailingHost = null;
        using (var back = await SendAsync(HttpMethod.Get, path, "outage.example"))
        {
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        }

        using (var cached = await SendAsync(HttpMethod.Get, path, "outage.example"))
        {
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        }

        Assert.Equal(2, server.Probe.Built(path, "outage.example"));

        // A query string is never cached (no variants to fill memory with), and does not touch the plain entry.
        foreach (var query in new[] { "?x=1", "?x=1", "?x=2" })
        {
            using var response = await SendAsync(HttpMethod.Get, path + query, "query.example");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, server.Probe.Built(path, "query.example"));
    }

    [Fact]
    public async Task Head_AnswersAsBefore_NotWithTheCachedDocument()
    {
        foreach (var path in Documents)
        {
            using var before = await SendAsync(HttpMethod.Head, path, "head.example");
            using var get = await SendAsync(HttpMethod.Get, path, "head.example");
            using var after = await SendAsync(HttpMethod.Head, path, "head.example");

            // OpenIddict serves these documents to GET only; HEAD keeps its 400, with the same headers each time.
            Assert.Equal(HttpStatusCode.BadRequest, before.StatusCode);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
            Assert.Equal(Headers(before), Headers(after));
            Assert.Empty(await after.Content.ReadAsByteArrayAsync());
        }
    }

    private async Task<string?> IssuerAsync(string host, string? forwardedHost = null)
    {
        using var response = await SendAsync(HttpMethod.Get, DiscoveryCache.ConfigurationPath, host, forwardedHost);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var issuer = document.GetProperty("issuer").GetString();
        Assert.StartsWith(issuer!, document.GetProperty("jwks_uri").GetString());
        Assert.StartsWith(issuer!, document.GetProperty("token_endpoint").GetString());
        return issuer;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string host, string? forwardedHost = null)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Host = host;
        if (forwardedHost is not null)
        {
            request.Headers.Add("X-Forwarded-Host", forwardedHost);
            request.Headers.Add("X-Forwarded-Proto", "https");
        }

        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Every header but the ones a cache legitimately restates (Date, Age).</summary>
    private static string[] Headers(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not ("Date" or "Age"))
            .Select(h => h.Key + ": " + string.Join(", ", h.Value))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Counts the documents OpenIddict builds per path and host; throws like a lost database for one host.</summary>
    public sealed class DocumentProbe
    {
        private readonly ConcurrentDictionary<string, int> built = new();

        public volatile string? FailingHost;

        public int Built(string path, string host) => built.GetValueOrDefault(path + " " + host);

        public void Record(HttpContext? http)
        {
            var host = http?.Request.Host.Value ?? "";
            built.AddOrUpdate(http?.Request.Path.Value + " " + host, 1, (_, n) => n + 1);
            if (host == FailingHost)
            {
                throw new TimeoutException("Simulated: the database did not answer in time.");
            }
        }
    }

    public sealed class Server() : IessServerFixture(factory => factory
        .WithSetting("Iess:Hosting:TrustedProxies:0", "127.0.0.1")
        .WithSetting("Iess:Hosting:TrustedProxies:1", "::1")
        .WithServices(services => services.AddOpenIddict().AddServer(s =>
        {
            s.AddEventHandler<HandleConfigurationRequestContext>(b => b.UseInlineHandler(c =>
            {
                SharedProbe.Record(c.Transaction.GetHttpRequest()?.HttpContext);
                return ValueTask.CompletedTask;
            }));
            s.AddEventHandler<HandleJsonWebKeySetRequestContext>(b => b.UseInlineHandler(c =>
            {
                SharedProbe.Record(c.Transaction.GetHttpRequest()?.HttpContext);
                return ValueTask.CompletedTask;
            }));
        })))
    {
        // One server per test class, so one probe; static because the fixture's base constructor configures the factory.
        private static readonly DocumentProbe SharedProbe = new();

        public DocumentProbe Probe => SharedProbe;
    }
}

using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Net.Http.Headers;

namespace Iess.Identity.Connect;

/// <summary>
/// Serves the discovery document and the JWKS from memory (ASP.NET Core output caching) instead of running the whole
/// pipeline and OpenIddict for each request: both only change when the server restarts (keys are loaded at start).
/// Only <c>GET</c> of exactly these two paths, without a query string, body, credentials or conditional headers, is
/// looked up and stored; only a 200 without cookies is stored, for <see cref="Lifetime"/>. The key holds the scheme,
/// the host exactly as sent (after forwarded headers) and the path base, because without a configured issuer the
/// document names the host the request came to. Anything else takes the usual path and answers as before.
/// </summary>
public static class DiscoveryCache
{
    public const string ConfigurationPath = "/.well-known/openid-configuration";
    public const string JsonWebKeySetPath = "/.well-known/jwks";

    /// <summary>How long a stored document is served.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The store's bound: a document is a few KB, so a few thousand hosts; a flood of made-up Host headers fills it
    /// up to here and no further, and what does not fit is simply answered uncached.
    /// </summary>
    private const long SizeLimit = 8 * 1024 * 1024;

    public static IServiceCollection AddIessDiscoveryCache(this IServiceCollection services) =>
        services.AddOutputCache(o =>
        {
            o.SizeLimit = SizeLimit;
            o.UseCaseSensitivePaths = true;
            o.DefaultExpirationTimeSpan = Lifetime;
            o.AddBasePolicy(DocumentPolicy.Instance);
        });

    /// <summary>The output cache, in a branch that only these two paths enter: no other request meets it.</summary>
    public static IApplicationBuilder UseIessDiscoveryCache(this IApplicationBuilder app) =>
        app.UseWhen(IsDocument, branch => branch.UseOutputCache());

    private static bool IsDocument(HttpContext http) => http.Request.Path.Value is ConfigurationPath or JsonWebKeySetPath;

    private sealed class DocumentPolicy : IOutputCachePolicy
    {
        public static readonly DocumentPolicy Instance = new();

        public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellationToken)
        {
            var request = context.HttpContext.Request;
            var headers = request.Headers;

            // A query string is not part of the key and such a request is not cached at all: clients send none, and
            // an attacker cannot fill the store with variants. A body (content type) keeps BadRequestGuard's answer;
            // conditional headers and only-if-cached would get a 304/504 from the cache that OpenIddict never gives.
            var cacheable = HttpMethods.IsGet(request.Method)
                && !request.QueryString.HasValue
                && request.ContentType is null
                && headers.Authorization.Count == 0
                && headers.IfNoneMatch.Count == 0
                && headers.IfModifiedSince.Count == 0
                && !HeaderUtilities.ContainsCacheDirective(headers.CacheControl, CacheControlHeaderValue.OnlyIfCachedString);

            context.EnableOutputCaching = true;
            context.AllowCacheLookup = cacheable;
            context.AllowCacheStorage = cacheable;
            context.AllowLocking = true;
            context.ResponseExpirationTimeSpan = Lifetime;

            // The key already has the scheme, the path base and the upper-cased host; the issuer repeats the host as
            // sent, so the exact spelling is part of the key too.
            context.CacheVaryByRules.VaryByValues["host"] = request.Host.Value ?? "";
            return ValueTask.CompletedTask;
        }

        public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellationToken)
        {
            // Errors (a 503 during an outage, a 400 for another method) and anything setting a cookie are never stored.
            var response = context.HttpContext.Response;
            if (response.StatusCode != StatusCodes.Status200OK || response.Headers.SetCookie.Count > 0)
            {
                context.AllowCacheStorage = false;
            }

            return ValueTask.CompletedTask;
        }
    }
}

using System.Collections;
using System.Reflection;
using Iess.Identity.AdminApi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Hosting;

/// <summary>How an endpoint answers, and so what its refusals look like.</summary>
public enum EndpointKind
{
    /// <summary>A Razor page: the Spanish page, or a redirect to a local page (the start of a flow, the sign-in page).</summary>
    Page,

    /// <summary>A small endpoint outside the admin API (language, CAPTCHA, images, health): the Spanish page when refused.</summary>
    Api,

    /// <summary>Under <c>/api/admin</c>: RFC 9457 problem details.</summary>
    AdminApi,

    /// <summary>An OpenID Connect endpoint: an OAuth error (JSON or WWW-Authenticate) or, for front-channel ones, the Spanish page.</summary>
    Protocol,
}

/// <summary>One form a page posts: its handler (<c>?handler=</c>, empty for the default) and the names of its fields.</summary>
public sealed record PageForm(string Handler, IReadOnlyList<string> Fields);

/// <summary>An endpoint of the running server, as found in its endpoint data source (or listed for OpenIddict).</summary>
public sealed partial record DiscoveredEndpoint(string Template, EndpointKind Kind)
{
    /// <summary>The methods the endpoint answers; empty when it answers any method (health checks).</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>Route parameters in <see cref="Template"/>, with a harmless value each (nothing that exists).</summary>
    public IReadOnlyDictionary<string, string> RouteValues { get; init; } = new Dictionary<string, string>();

    /// <summary>For pages: the page model asks for a signed-in user ([Authorize]).</summary>
    public bool RequiresSignIn { get; init; }

    /// <summary>For pages: the POST handlers and their fields (from the page model and the page's real form).</summary>
    public IReadOnlyList<PageForm> Forms { get; init; } = [];

    /// <summary>For JSON endpoints: the body's property names (empty when the endpoint takes no body).</summary>
    public IReadOnlyList<string> JsonProperties { get; init; } = [];

    public bool AcceptsJson { get; init; }

    /// <summary>For OpenID Connect endpoints: the parameters the request carries, with a value that is never accepted as a whole.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ProtocolFields { get; init; } = [];

    /// <summary>The path with every route parameter filled in.</summary>
    public string Path => RouteValues.Aggregate(Template, (path, p) => RouteParameter().Replace(path, m => m.Groups[1].Value == p.Key ? p.Value : m.Value));

    /// <summary>The path with one route parameter replaced by <paramref name="value"/> (already escaped as it goes on the wire).</summary>
    public string PathWith(string parameter, string value) =>
        RouteParameter().Replace(Template, m => m.Groups[1].Value == parameter ? value : RouteValues[m.Groups[1].Value]);

    public override string ToString() => $"{Kind} {Template} [{string.Join(',', Methods)}]";

    [System.Text.RegularExpressions.GeneratedRegex(@"\{([A-Za-z0-9_]+)[^}]*\}")]
    private static partial System.Text.RegularExpressions.Regex RouteParameter();
}

/// <summary>
/// Finds what the server answers: every route endpoint in its <see cref="EndpointDataSource"/> (Razor pages with their
/// handlers and bound fields, minimal APIs including everything mapped under <c>/api/admin</c>), plus the OpenIddict
/// endpoints, which are handled by OpenIddict's middleware and so are not in the data source.
/// </summary>
public static class EndpointCatalog
{
    /// <summary>OpenIddict's own endpoints (the pass-through ones are in the data source too; listed here with their parameters).</summary>
    public static readonly IReadOnlyList<DiscoveredEndpoint> OpenIddictEndpoints =
    [
        Protocol("/connect/token", ["POST"],
            ("grant_type", "authorization_code"), ("client_id", DemoAccountsIds.Spa), ("code", "no-such-code"),
            ("code_verifier", new string('v', 50)), ("redirect_uri", "https://evil.example/cb"), ("refresh_token", "no-such-token"),
            ("client_secret", "wrong-secret"), ("scope", "openid")),
        Protocol("/connect/par", ["POST"],
            ("client_id", DemoAccountsIds.Spa), ("redirect_uri", "https://evil.example/cb"), ("response_type", "code"), ("scope", "openid"),
            ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), ("code_challenge_method", "S256"), ("state", "s"), ("nonce", "n")),
        Protocol("/connect/introspect", ["POST"],
            ("token", "no-such-token"), ("token_type_hint", "access_token"), ("client_id", DemoAccountsIds.Web), ("client_secret", "wrong-secret")),
        Protocol("/connect/revoke", ["POST"],
            ("token", "no-such-token"), ("token_type_hint", "refresh_token"), ("client_id", DemoAccountsIds.Web), ("client_secret", "wrong-secret")),
        Protocol("/connect/authorize", ["GET", "POST"],
            ("client_id", DemoAccountsIds.Spa), ("redirect_uri", "https://evil.example/cb"), ("response_type", "code"), ("scope", "openid"),
            ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), ("code_challenge_method", "S256"), ("state", "s"), ("prompt", "login")),
        Protocol("/connect/endsession", ["GET", "POST"],
            ("post_logout_redirect_uri", "https://evil.example/"), ("client_id", DemoAccountsIds.Spa), ("id_token_hint", "no-such-token"), ("state", "s")),
        Protocol("/connect/userinfo", ["GET", "POST"], ("access_token", "no-such-token")),
        Protocol("/.well-known/openid-configuration", ["GET"]),
        Protocol("/.well-known/jwks", ["GET"]),
    ];

    /// <summary>Every endpoint of the running server; the OpenIddict list wins where a path is both.</summary>
    public static async Task<IReadOnlyList<DiscoveredEndpoint>> DiscoverAsync(IServiceProvider services)
    {
        var loader = services.GetRequiredService<PageLoader>();
        var found = new Dictionary<string, DiscoveredEndpoint>(StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in OpenIddictEndpoints)
        {
            found[endpoint.Template] = endpoint;
        }

        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            // "/api/admin/accounts/" and "/api/admin/accounts" are one path to a client.
            var template = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            var routeValues = endpoint.RoutePattern.Parameters.ToDictionary(p => p.Name, HarmlessValue);
            if (OpenIddictEndpoints.Any(e => e.Template.Equals(template, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (endpoint.Metadata.GetMetadata<ActionDescriptor>() is PageActionDescriptor page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                found[template] = new DiscoveredEndpoint(template, EndpointKind.Page)
                {
                    Methods = compiled.HandlerMethods.Select(h => h.HttpMethod.ToUpperInvariant()).Append("GET").Append("HEAD").Distinct().ToList(),
                    RouteValues = routeValues,
                    RequiresSignIn = compiled.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any(),
                    Forms = compiled.HandlerMethods.Where(h => !HttpMethods.IsGet(h.HttpMethod))
                        .GroupBy(h => h.Name ?? "", StringComparer.OrdinalIgnoreCase)
                        .Select(g => new PageForm(g.Key, g.SelectMany(h => FieldsOf(compiled, h)).Distinct(StringComparer.Ordinal).ToList()))
                        .ToList(),
                };
                continue;
            }

            var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>();
            var kind = template.StartsWith(AdminApiExtensions.Prefix + "/", StringComparison.OrdinalIgnoreCase) ? EndpointKind.AdminApi
                : template.StartsWith("/connect/", StringComparison.OrdinalIgnoreCase) ? EndpointKind.Protocol
                : EndpointKind.Api;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Select(m => m.ToUpperInvariant()) ?? [];
            var existing = found.GetValueOrDefault(template);

            // The same path mapped once per method (GET list, POST create) is one entry answering all of them.
            found[template] = new DiscoveredEndpoint(template, kind)
            {
                Methods = [.. (existing?.Methods ?? []).Union(methods)],
                RouteValues = routeValues,
                AcceptsJson = accepts is not null || existing?.AcceptsJson == true,
                JsonProperties = [.. (existing?.JsonProperties ?? []).Union(accepts?.RequestType is { } type ? PropertyNames(type) : [])],
            };
        }

        return [.. found.Values.OrderBy(e => e.Kind).ThenBy(e => e.Template, StringComparer.Ordinal)];
    }

    /// <summary>A value for a route parameter that names nothing that exists but passes its constraint when it can.</summary>
    private static string HarmlessValue(RoutePatternParameterPart parameter)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? "").ToList();
        if (constraints.FirstOrDefault(c => c.StartsWith("regex(", StringComparison.Ordinal)) is { } regex
            && System.Text.RegularExpressions.Regex.Match(regex, @"\(([A-Za-z0-9_-]+)[|)]") is { Success: true } alternative)
        {
            return alternative.Groups[1].Value;
        }

        return constraints.Contains("int") || constraints.Contains("long") ? "987654"
            : constraints.Contains("guid") ? "00000000-0000-4000-8000-00000000dead"
            : constraints.Contains("bool") ? "false"
            : "no-such-" + parameter.Name.ToLowerInvariant();
    }

    /// <summary>The form names a handler binds: its parameters and the page's bound properties, complex ones opened one level.</summary>
    private static IReadOnlyList<string> FieldsOf(CompiledPageActionDescriptor page, HandlerMethodDescriptor handler)
    {
        var names = new List<string>();
        foreach (var parameter in handler.Parameters.Concat(page.BoundProperties))
        {
            var source = parameter.BindingInfo?.BindingSource;
            if (source is not null && source != BindingSource.Form && source != BindingSource.ModelBinding && source != BindingSource.Query)
            {
                continue;
            }

            names.AddRange(Expand(parameter.BindingInfo?.BinderModelName ?? parameter.Name, parameter.ParameterType));
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> Expand(string name, Type type)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        if (IsSimple(inner))
        {
            return [name];
        }

        if (typeof(IDictionary).IsAssignableFrom(inner) || inner.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)))
        {
            return [$"{name}[1]"];
        }

        if (typeof(IEnumerable).IsAssignableFrom(inner))
        {
            return [$"{name}[0]", $"{name}[1]"];
        }

        return inner.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => $"{name}.{p.Name}");
    }

    private static bool IsSimple(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid)
        || type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan);

    private static IReadOnlyList<string> PropertyNames(Type type) =>
        IsSimple(Nullable.GetUnderlyingType(type) ?? type) ? [] : type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToList();

    private static DiscoveredEndpoint Protocol(string path, string[] methods, params (string Name, string Value)[] fields) =>
        new(path, EndpointKind.Protocol) { Methods = methods, ProtocolFields = fields.Select(f => KeyValuePair.Create(f.Name, f.Value)).ToList() };

    private static class DemoAccountsIds
    {
        public const string Spa = Infrastructure.DemoAccounts.PublicClientId;
        public const string Web = Infrastructure.DemoAccounts.ConfidentialClientId;
    }
}

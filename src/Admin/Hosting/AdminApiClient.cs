using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iess.Admin.Hosting;

/// <summary>What the admin API answered: the value on success, otherwise the status and the problem details it sent.</summary>
public sealed record ApiResult<T>(HttpStatusCode Status, T? Value, ApiProblem? Problem, string? Version)
{
    public bool Ok => (int)Status is >= 200 and < 300;
}

/// <summary>An RFC 9457 problem from the API; <see cref="Errors"/> holds field errors and <see cref="Current"/> the state after a 409.</summary>
public sealed record ApiProblem(string? Title, int? Status, IReadOnlyDictionary<string, string[]> Errors, JsonElement? Current);

/// <summary>
/// The console's only way to change anything: calls to IdentityServer's <c>/api/admin/*</c> with the signed-in
/// officer's access token. The API decides what the officer may do; this class only carries the call.
/// </summary>
public sealed class AdminApiClient(HttpClient http, OfficerSession session)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken = default) =>
        SendAsync<T>(HttpMethod.Get, path, null, null, cancellationToken);

    /// <summary>Sends a change; <paramref name="version"/> goes in <c>If-Match</c> when the resource is versioned.</summary>
    public async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, string? version, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        var token = await session.AccessTokenAsync(cancellationToken);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (version is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var etag = response.Headers.ETag?.Tag is { Length: >= 2 } tag ? tag[1..^1] : null;
        if (response.IsSuccessStatusCode)
        {
            var value = response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0
                ? default
                : await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
            return new ApiResult<T>(response.StatusCode, value, null, etag);
        }

        return new ApiResult<T>(response.StatusCode, default, await ProblemAsync(response, cancellationToken), etag);
    }

    private static async Task<ApiProblem> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        string? title = null;
        JsonElement? current = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
            if (body.ValueKind == JsonValueKind.Object)
            {
                title = body.TryGetProperty("title", out var t) ? t.GetString() : null;
                if (body.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in e.EnumerateObject())
                    {
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray().Select(m => m.GetString() ?? "").ToArray() : [];
                    }
                }

                current = body.TryGetProperty("current", out var c) ? c.Clone() : null;
            }
        }

        return new ApiProblem(title, (int)response.StatusCode, errors, current);
    }
}

public static class AdminApiClientExtensions
{
    /// <summary>Registers <see cref="AdminApiClient"/> against the authority's <c>/api/admin/</c>.</summary>
    public static IServiceCollection AddAdminApiClient(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<OfficerSession>();
        services.AddHttpClient<AdminApiClient>((provider, http) =>
        {
            var authority = provider.GetRequiredService<IOptions<AdminOptions>>().Value.Authority;
            http.BaseAddress = new Uri(authority, "api/admin/");
            http.Timeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Iess.Identity.Tests.AdminApi;

/// <summary>What an admin API call answered: status, JSON body (problem details on errors) and the ETag's version.</summary>
public sealed record AdminAnswer(HttpStatusCode Status, JsonElement Body, string? Version);

/// <summary>Admin API calls as the console makes them: JSON bodies, versions in If-Match.</summary>
public static class AdminCalls
{
    public static Task<AdminAnswer> GetAsync(HttpClient http, string path) => SendAsync(http, HttpMethod.Get, path, null, null);

    public static async Task<AdminAnswer> SendAsync(HttpClient http, HttpMethod method, string path, object? body, string? version)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (version is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
        var etag = response.Headers.ETag?.Tag is { Length: >= 2 } tag ? tag[1..^1] : null;
        return new AdminAnswer(response.StatusCode, json, etag);
    }
}

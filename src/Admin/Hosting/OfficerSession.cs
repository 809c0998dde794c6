using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Iess.Admin.Hosting;

/// <summary>
/// The signed-in officer's access token for the admin API. Access tokens live ten minutes; shortly before one
/// expires it is renewed with the refresh token (offline_access) and the console's cookie keeps the new pair. When
/// that is impossible there is no token, the API answers 401 and the page sends the officer to sign in again.
/// </summary>
public sealed class OfficerSession(IHttpContextAccessor accessor, IOptionsMonitor<OpenIdConnectOptions> oidc, TimeProvider time, ILogger<OfficerSession> logger)
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    public async Task<string?> AccessTokenAsync(CancellationToken cancellationToken = default)
    {
        if (accessor.HttpContext is not { } http)
        {
            return null;
        }

        var session = await http.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (!session.Succeeded || session.Properties is not { } properties)
        {
            return null;
        }

        var token = properties.GetTokenValue("access_token");
        var expiresAt = DateTimeOffset.TryParse(properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : DateTimeOffset.MinValue;
        if (token is not null && expiresAt - Margin > time.GetUtcNow())
        {
            return token;
        }

        var refresh = properties.GetTokenValue("refresh_token");
        if (refresh is null || http.Response.HasStarted)
        {
            return null;
        }

        var renewed = await RefreshAsync(refresh, cancellationToken);
        if (renewed is null)
        {
            return null;
        }

        properties.UpdateTokenValue("access_token", renewed.Value.Access);
        properties.UpdateTokenValue("expires_at", renewed.Value.ExpiresAt.ToString("o", CultureInfo.InvariantCulture));
        if (renewed.Value.Refresh is { } rotated)
        {
            properties.UpdateTokenValue("refresh_token", rotated);
        }

        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, session.Principal!, properties);
        return renewed.Value.Access;
    }

    private async Task<(string Access, string? Refresh, DateTimeOffset ExpiresAt)?> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var options = oidc.Get(OpenIdConnectDefaults.AuthenticationScheme);
        try
        {
            var configuration = await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
            using var response = await options.Backchannel.PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
                ["client_id"] = options.ClientId!,
                ["client_secret"] = options.ClientSecret!,
            }), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("The officer's refresh token was refused ({Status}); the officer signs in again.", (int)response.StatusCode);
                return null;
            }

            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var root = body.RootElement;
            var access = root.GetProperty("access_token").GetString()!;
            var refresh = root.TryGetProperty("refresh_token", out var r) ? r.GetString() : null;
            var seconds = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var s) ? s : 300;
            return (access, refresh, time.GetUtcNow().AddSeconds(seconds));
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or InvalidOperationException or KeyNotFoundException or TaskCanceledException)
        {
            logger.LogWarning("Refreshing the officer's access token failed: {Error}", exception.GetType().Name);
            return null;
        }
    }
}

using Microsoft.AspNetCore.Authorization;
using OpenIddict.Validation.AspNetCore;

namespace Iess.Identity.AdminApi;

/// <summary>
/// The admin API: <c>/api/admin/*</c>, bearer access tokens only (the SSO cookie is never accepted, so there is
/// nothing to forge cross-site), JSON in and out, RFC 9457 problem details for every error.
/// </summary>
public static class AdminApiExtensions
{
    public const string Prefix = "/api/admin";

    public const string HelpdeskPolicy = "admin-api:helpdesk";
    public const string SupervisorPolicy = "admin-api:supervisor";
    public const string AdministratorPolicy = "admin-api:administrator";

    public static IServiceCollection AddIessAdminApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddHttpContextAccessor();
        services.AddScoped<IAuthorizationHandler, OfficerRoleHandler>();
        services.AddAdminAccounts();
        services.AddAuthorizationBuilder()
            .AddPolicy(HelpdeskPolicy, p => Officers(p, OfficerRoles.Helpdesk))
            .AddPolicy(SupervisorPolicy, p => Officers(p, OfficerRoles.Supervisor))
            .AddPolicy(AdministratorPolicy, p => Officers(p, OfficerRoles.Administrator));
        return services;
    }

    public static bool IsAdminApi(HttpContext http) => http.Request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Maps the API. Every endpoint needs at least helpdesk; an endpoint that needs more adds its own policy.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix).RequireAuthorization(HelpdeskPolicy).DisableAntiforgery();
        api.MapGet("/me", (HttpContext http) => TypedResults.Ok(Officer.Of(http)));
        api.MapClientsEndpoints();
        api.MapOfficersEndpoints();
        api.MapAuditEndpoints();
        api.MapMetricsEndpoints();
        api.MapAccountsEndpoints();
        return app;
    }

    /// <summary>
    /// A body sent to the admin API must be JSON in UTF-8 (RFC 8259); anything else is refused with 415 before any
    /// endpoint binds it, so no endpoint meets an unknown charset or a form.
    /// </summary>
    public static IApplicationBuilder UseAdminApiBodyRules(this IApplicationBuilder app) =>
        app.UseWhen(IsAdminApi, api => api.Use(async (http, next) =>
        {
            var request = http.Request;
            var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
            if (hasBody && !IsUtf8Json(request.ContentType))
            {
                await TypedResults.Problem(
                    statusCode: StatusCodes.Status415UnsupportedMediaType,
                    title: "El cuerpo debe ser JSON en UTF-8 / The body must be JSON in UTF-8",
                    type: "https://iess.gob.ec/problems/unsupported-media-type").ExecuteAsync(http);
                return;
            }

            await next(http);
        }));

    private static bool IsUtf8Json(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase)
        && (media.Charset.Value is not { } charset || string.Equals(charset.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase));

    private static void Officers(AuthorizationPolicyBuilder policy, string minimum) =>
        policy.AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new OfficerRoleRequirement(minimum));
}

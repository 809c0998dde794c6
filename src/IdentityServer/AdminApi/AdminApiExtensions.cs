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

    private static void Officers(AuthorizationPolicyBuilder policy, string minimum) =>
        policy.AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new OfficerRoleRequirement(minimum));
}

using Iess.Identity.Data;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.Connect;

/// <summary>Registers OpenIddict (core, server, local validation), the claims factory and token pruning.</summary>
public static class ConnectServiceCollectionExtensions
{
    public static IServiceCollection AddIessConnect(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(ConnectOptions.Section);
        services.AddOptions<ConnectOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var options = section.Get<ConnectOptions>() ?? new ConnectOptions();
        var keyFolder = configuration["Iess:Connect:DevelopmentKeyFolder"] ?? Path.Combine(environment.ContentRootPath, "App_Data", "keys");

        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<IessDbContext>();
                core.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, IessApplicationManager>();
            })
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(ConnectEndpoints.AuthorizePath.TrimStart('/'))
                    .SetPushedAuthorizationEndpointUris("connect/par")
                    .SetTokenEndpointUris(ConnectEndpoints.TokenPath.TrimStart('/'))
                    .SetUserInfoEndpointUris(ConnectEndpoints.UserInfoPath.TrimStart('/'))
                    .SetEndSessionEndpointUris(ConnectEndpoints.EndSessionPath.TrimStart('/'))
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetRevocationEndpointUris("connect/revoke");

                if (options.Issuer is not null)
                {
                    server.SetIssuer(options.Issuer);
                }

                server.AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow()
                    .RequireProofKeyForCodeExchange();
                server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.AddProtocolRequestRules();
                server.AddEventHandler(NoEntryForIdentityTokens.Descriptor);

                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Phone, Scopes.OfflineAccess, IessScopes.Identity, IessScopes.Admin);
                server.RegisterClaims(
                    Claims.Subject, Claims.Name, Claims.GivenName, Claims.FamilyName, Claims.Birthdate, Claims.Locale,
                    Claims.Email, Claims.EmailVerified, Claims.PhoneNumber, Claims.PhoneNumberVerified, Claims.AuthenticationTime,
                    IessScopes.IessIdClaim, IessScopes.AccountTypeClaim, IessScopes.BranchClaim, IessScopes.LegalRepresentativeClaim);

                server.SetAccessTokenLifetime(options.AccessTokenLifetime)
                    .SetIdentityTokenLifetime(options.IdentityTokenLifetime)
                    .SetAuthorizationCodeLifetime(options.AuthorizationCodeLifetime)
                    .SetRefreshTokenLifetime(options.RefreshTokenLifetime)
                    .SetRefreshTokenReuseLeeway(options.RefreshTokenReuseLeeway);

                // Access tokens are plain signed JWTs so other IESS APIs can validate them with the published keys.
                server.DisableAccessTokenEncryption();
                ServerKeys.Configure(server, options, environment, keyFolder);

                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableStatusCodePagesIntegration();
                if (!(options.RequireHttps ?? !environment.IsDevelopment()))
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                // Bearer calls (the admin API) check the token's and authorization's entries, so a revoked token stops at once.
                validation.EnableTokenEntryValidation();
                validation.EnableAuthorizationEntryValidation();
                // Bearer tokens only in the Authorization header: never in URLs (logs, history) nor in form bodies.
                validation.UseAspNetCore().Configure(o =>
                {
                    o.DisableAccessTokenExtractionFromQueryString = true;
                    o.DisableAccessTokenExtractionFromBodyForm = true;
                });
            });

        services.AddScoped<IessClaims>();
        services.AddSingleton<InteractionMarker>();
        services.AddScoped<ClientReconciler>();
        services.AddSingleton<TokenPruner>();
        services.AddHostedService(provider => provider.GetRequiredService<TokenPruner>());
        return services;
    }
}

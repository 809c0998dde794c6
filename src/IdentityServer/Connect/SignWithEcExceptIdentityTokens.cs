using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Iess.Identity.Connect;

/// <summary>
/// Signs access tokens and the tokens only this server reads (codes, refresh tokens, request tokens) ES256 with the
/// first EC P-256 key, and identity tokens RS256 with the first RSA key: RS256 is the one algorithm every OpenID
/// Connect client must accept, while an ECDSA signature costs a small fraction of an RSA one.
/// </summary>
/// <remarks>
/// OpenIddict's own handler gives every token the first of its sorted signing credentials (certificates first, then
/// keys in the order they were added), and identity tokens the first asymmetric one; this one runs right after it.
/// </remarks>
internal sealed class SignWithEcExceptIdentityTokens : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<SignWithEcExceptIdentityTokens>()
            .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        var algorithm = context.TokenType == TokenTypeIdentifiers.IdentityToken ? SecurityAlgorithms.RsaSha256 : SecurityAlgorithms.EcdsaSha256;
        foreach (var credentials in context.Options.SigningCredentials)
        {
            if (credentials.Algorithm == algorithm)
            {
                context.SigningCredentials = credentials;
                return default;
            }
        }

        throw new InvalidOperationException($"No {algorithm} signing key is configured for {context.TokenType} tokens.");
    }
}

using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Iess.Identity.Connect;

/// <summary>
/// Identity tokens get no row in <c>OpenIddictTokens</c>; codes, access tokens and refresh tokens keep theirs.
/// </summary>
/// <remarks>
/// Nothing can revoke an identity token: apps check it themselves against the published keys, and neither the
/// revocation nor the introspection endpoint takes one (RFC 7009 and RFC 7662 cover access and refresh tokens). The
/// server only reads identity tokens back as <c>id_token_hint</c>, which OpenIddict validates by signature, issuer and
/// audience; a token without an entry simply skips the entry check. The row cost an INSERT and a commit on every
/// code exchange and every refresh.
/// </remarks>
internal sealed class NoEntryForIdentityTokens : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<NoEntryForIdentityTokens>()
            .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType == TokenTypeIdentifiers.IdentityToken)
        {
            context.CreateTokenEntry = false;
        }

        return default;
    }
}

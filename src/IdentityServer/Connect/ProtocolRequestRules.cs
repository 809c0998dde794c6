using System.Text.RegularExpressions;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Iess.Identity.Connect;

/// <summary>
/// Checks OpenIddict leaves to the host: a parameter sent twice (RFC 6749 §3.1 forbids it), a value that was not
/// valid UTF-8 or carries control characters, introspection by GET (credentials in a query string), and an end-session
/// id_token_hint that is not a token this server issued. Each is refused with invalid_request before anything is stored.
/// </summary>
public static partial class ProtocolRequestRules
{
    /// <summary>Parameters that the specifications allow to repeat (RFC 8707 resource indicators and audiences).</summary>
    private static readonly HashSet<string> Repeatable = new(StringComparer.Ordinal) { Parameters.Resource, Parameters.Audience };

    public static OpenIddictServerBuilder AddProtocolRequestRules(this OpenIddictServerBuilder server) => server
        .AddEventHandler(WellFormedParameters<ValidateAuthorizationRequestContext>.Descriptor)
        .AddEventHandler(WellFormedParameters<ValidatePushedAuthorizationRequestContext>.Descriptor)
        .AddEventHandler(WellFormedParameters<ValidateTokenRequestContext>.Descriptor)
        .AddEventHandler(WellFormedParameters<ValidateIntrospectionRequestContext>.Descriptor)
        .AddEventHandler(WellFormedParameters<ValidateRevocationRequestContext>.Descriptor)
        .AddEventHandler(WellFormedParameters<ValidateUserInfoRequestContext>.Descriptor)
        .AddEventHandler(WellFormedParameters<ValidateEndSessionRequestContext>.Descriptor)
        .AddEventHandler(AuthorizationParameterSyntax<ValidateAuthorizationRequestContext>.Descriptor)
        .AddEventHandler(AuthorizationParameterSyntax<ValidatePushedAuthorizationRequestContext>.Descriptor)
        .AddEventHandler(IntrospectionByPostOnly.Descriptor)
        .AddEventHandler(ReadableIdentityTokenHint.Descriptor);

    /// <summary>Refuses repeated parameters and values with control characters or undecodable bytes.</summary>
    public sealed class WellFormedParameters<TContext> : IOpenIddictServerHandler<TContext> where TContext : BaseValidatingContext
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<WellFormedParameters<TContext>>()
            .SetOrder(int.MinValue + 50_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

        public ValueTask HandleAsync(TContext context)
        {
            foreach (var (name, parameter) in context.Transaction.Request?.GetParameters() ?? new Dictionary<string, OpenIddictParameter>())
            {
                var values = ((StringValues?)parameter)?.ToArray() ?? [];
                if (values.Length > 1 && !Repeatable.Contains(name))
                {
                    context.Reject(Errors.InvalidRequest, $"The '{name}' parameter must not be repeated.");
                    return ValueTask.CompletedTask;
                }

                if (Corrupt(name) || values.Any(Corrupt))
                {
                    context.Reject(Errors.InvalidRequest, $"The '{Printable(name)}' parameter contains invalid characters.");
                    return ValueTask.CompletedTask;
                }
            }

            return ValueTask.CompletedTask;
        }

        // U+FFFD is what the form and query decoders leave where the bytes were not UTF-8.
        private static bool Corrupt(string? value) => value is not null && value.Any(c => char.IsControl(c) || c == '\uFFFD');

        private static string Printable(string name) => new(name.Select(c => Corrupt(c.ToString()) ? '?' : c).ToArray());
    }

    /// <summary>
    /// Syntax OpenIddict accepts loosely on authorization and pushed requests: a PKCE code_challenge must be 43 to 128
    /// unreserved characters (RFC 7636 §4.2), max_age a non-negative integer, and prompt=none stands alone (OIDC Core §3.1.2.1).
    /// </summary>
    public sealed partial class AuthorizationParameterSyntax<TContext> : IOpenIddictServerHandler<TContext> where TContext : BaseValidatingContext
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<AuthorizationParameterSyntax<TContext>>()
            .SetOrder(int.MinValue + 50_002)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

        public ValueTask HandleAsync(TContext context)
        {
            var request = context.Transaction.Request;
            if (request is null)
            {
                return ValueTask.CompletedTask;
            }

            if (request.CodeChallenge is { } challenge && (challenge.Length is < 43 or > 128 || !challenge.All(IsUnreserved)))
            {
                context.Reject(Errors.InvalidRequest, "The 'code_challenge' parameter is not a valid PKCE challenge.");
            }
            else if ((string?)request[Parameters.MaxAge] is { } maxAge && !long.TryParse(maxAge, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                context.Reject(Errors.InvalidRequest, "The 'max_age' parameter must be a non-negative integer.");
            }
            else if (request.HasPromptValue(PromptValues.None) && request.GetPromptValues().Length > 1)
            {
                context.Reject(Errors.InvalidRequest, "The 'prompt' value 'none' cannot be combined with other values.");
            }
            else if (request.UiLocales is { } locales && !locales.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(LanguageTag().IsMatch))
            {
                context.Reject(Errors.InvalidRequest, "The 'ui_locales' parameter must be a space-separated list of language tags.");
            }

            return ValueTask.CompletedTask;
        }

        [GeneratedRegex("^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,8}$")]
        private static partial Regex LanguageTag();

        private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
    }

    /// <summary>RFC 7662 introspection is a POST; a GET would put client credentials and tokens in URLs and logs.</summary>
    public sealed class IntrospectionByPostOnly : IOpenIddictServerHandler<ValidateIntrospectionRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateIntrospectionRequestContext>()
            .UseSingletonHandler<IntrospectionByPostOnly>()
            .SetOrder(int.MinValue + 50_001)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

        public ValueTask HandleAsync(ValidateIntrospectionRequestContext context)
        {
            if (context.Transaction.GetHttpRequest() is { } request && !HttpMethods.IsPost(request.Method))
            {
                context.Reject(Errors.InvalidRequest, "Introspection requests must use POST.");
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>An id_token_hint this server cannot read is refused rather than ignored, so a forged hint gets an error.</summary>
    public sealed class ReadableIdentityTokenHint : IOpenIddictServerHandler<ValidateEndSessionRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateEndSessionRequestContext>()
            .UseSingletonHandler<ReadableIdentityTokenHint>()
            .SetOrder(OpenIddictServerHandlers.Session.ValidateAuthentication.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

        public ValueTask HandleAsync(ValidateEndSessionRequestContext context)
        {
            if (!string.IsNullOrEmpty(context.Request.IdTokenHint) && context.IdentityTokenHintPrincipal is null)
            {
                context.Reject(Errors.InvalidRequest, "The id_token_hint is not a valid identity token issued by this server.");
            }

            return ValueTask.CompletedTask;
        }
    }
}

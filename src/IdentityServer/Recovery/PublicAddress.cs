using Iess.Identity.Connect;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Recovery;

/// <summary>The server's public base URL for links in emails: the configured issuer, else the request's own address.</summary>
public sealed class PublicAddress(IOptions<ConnectOptions> connect)
{
    public Uri For(HttpContext http) => connect.Value.Issuer ?? new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/");
}

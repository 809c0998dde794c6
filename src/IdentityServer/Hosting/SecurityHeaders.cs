namespace Iess.Identity.Hosting;

/// <summary>The response headers every page and endpoint carries (CSP, framing, sniffing, referrer, HSTS).</summary>
internal static class SecurityHeaders
{
    public static HeaderPolicyCollection Policy(IHostEnvironment environment)
    {
        var policy = new HeaderPolicyCollection()
            .AddFrameOptionsDeny()
            .AddContentTypeOptionsNoSniff()
            .AddReferrerPolicyNoReferrer()
            .AddCrossOriginOpenerPolicy(x => x.SameOrigin())
            .AddPermissionsPolicy(p =>
            {
                p.AddCamera().None();
                p.AddMicrophone().None();
                p.AddGeolocation().None();
            })
            .RemoveServerHeader()
            .AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                csp.AddScriptSrc().Self();
                csp.AddStyleSrc().Self();
                csp.AddImgSrc().Self().Data();
                csp.AddFontSrc().Self();
                csp.AddConnectSrc().Self();
                csp.AddObjectSrc().None();
                csp.AddBaseUri().None();
                csp.AddFrameAncestors().None();
                // No form-action: Chrome applies it to the redirect after a sign-in form, which ends at the app.
            });
        if (!environment.IsDevelopment())
        {
            policy.AddStrictTransportSecurityMaxAgeIncludeSubDomains(maxAgeInSeconds: 365 * 24 * 3600);
        }

        return policy;
    }
}

namespace Iess.Identity.Hosting;

/// <summary>The response headers every page and endpoint carries (CSP, framing, sniffing, referrer, HSTS).</summary>
internal static class SecurityHeaders
{
    /// <param name="captchaOrigin">A hosted CAPTCHA's script and frame origins, when one is configured.</param>
    public static HeaderPolicyCollection Policy(IHostEnvironment environment, string? captchaOrigin)
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
                var scripts = csp.AddScriptSrc().Self();
                var frames = csp.AddFrameSrc().Self();
                if (captchaOrigin is not null)
                {
                    foreach (var origin in captchaOrigin.Split(' '))
                    {
                        scripts.From(origin);
                        frames.From(origin);
                    }
                }

                csp.AddStyleSrc().Self();
                csp.AddImgSrc().Self().Data();
                csp.AddFontSrc().Self();
                var connect = csp.AddConnectSrc().Self();
                if (captchaOrigin is not null)
                {
                    foreach (var origin in captchaOrigin.Split(' '))
                    {
                        connect.From(origin);
                    }
                }

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

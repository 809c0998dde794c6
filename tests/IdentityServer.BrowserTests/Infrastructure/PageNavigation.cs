using Microsoft.Playwright;

namespace Iess.Identity.BrowserTests.Infrastructure;

/// <summary>Waiting for the browser to land somewhere, with what it shows instead when it does not.</summary>
public static class PageNavigation
{
    public static async Task WaitForUrlStartingWithAsync(this IPage page, string prefix)
    {
        try
        {
            // A generous limit: a loaded 2-core CI machine can take many seconds for a sign-in's redirect chain.
            // Waits for DOMContentLoaded (the page is parsed and its deferred scripts ran), not for "load": on a
            // loaded CI machine Chromium once showed the whole /Recovery page, CAPTCHA solved, without Playwright
            // seeing its load event for 60 s. Every later step waits for the element it needs anyway.
            await page.WaitForURLAsync(
                url => url.StartsWith(prefix, StringComparison.Ordinal),
                new() { Timeout = 60_000, WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException e)
        {
            var text = await page.Locator("body").InnerTextAsync(new() { Timeout = 2_000 });
            throw new TimeoutException($"Expected {prefix}..., the browser shows {page.Url}:{Environment.NewLine}{text}", e);
        }
    }
}

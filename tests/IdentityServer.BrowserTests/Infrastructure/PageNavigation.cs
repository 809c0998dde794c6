using Microsoft.Playwright;

namespace Iess.Identity.BrowserTests.Infrastructure;

/// <summary>Waiting for the browser to land somewhere, with what it shows instead when it does not.</summary>
public static class PageNavigation
{
    /// <summary>
    /// A generous limit: a loaded 2-core CI machine can take many seconds for a sign-in's redirect chain.
    /// </summary>
    public static Task WaitForUrlStartingWithAsync(this IPage page, string prefix) =>
        page.WaitForUrlAsync(url => url.StartsWith(prefix, StringComparison.Ordinal), $"Expected {prefix}...", 60_000);

    /// <summary>
    /// Waits until the address matches and the page reached DOMContentLoaded (parsed, deferred scripts run), not
    /// "load": on a loaded CI machine Chromium once showed the whole /Recovery page, CAPTCHA solved, without Playwright
    /// seeing its load event for 60 s. Every later step waits for the element it needs anyway. Without a timeout, the
    /// browser context's default applies.
    /// </summary>
    public static async Task WaitForUrlAsync(this IPage page, Func<string, bool> matches, string expectation, float? timeout = null)
    {
        try
        {
            await page.WaitForURLAsync(matches, new() { Timeout = timeout, WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException e)
        {
            var text = await page.Locator("body").InnerTextAsync(new() { Timeout = 2_000 });
            throw new TimeoutException($"{expectation}, the browser shows {page.Url}:{Environment.NewLine}{text}", e);
        }
    }
}

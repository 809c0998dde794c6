using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Iess.Identity.BrowserTests.Infrastructure;

/// <summary>
/// Checks every page a flow reaches as a phone user with assistive technology would meet it: no serious or critical
/// axe violation, no sideways scrolling at 360 px, and a full-page screenshot under artifacts/browser for review.
/// Problems are collected so one run reports every page; <see cref="AssertClean"/> fails with each page's address.
/// </summary>
public sealed class PageAudit(string flowName)
{
    private readonly List<string> problems = [];
    private readonly List<string> checkedPages = [];

    public IReadOnlyList<string> CheckedPages => checkedPages;

    public async Task CheckAsync(IPage page, string step)
    {
        var url = page.Url;
        checkedPages.Add(url);
        await page.ScreenshotAsync(new()
        {
            Path = Path.Combine(BrowserSystemFixture.ArtifactsFolder, $"{flowName}-{checkedPages.Count:00}-{step}-360.png"),
            FullPage = true,
        });

        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        if (scrollWidth > FlowBrowserFixture.PhoneWidth)
        {
            problems.Add($"{url} ({step}): scrolls sideways at {FlowBrowserFixture.PhoneWidth} px (scrollWidth {scrollWidth}).");
        }

        var axe = await page.RunAxe();
        problems.AddRange(axe.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{url} ({step}): {v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Select(n => n.Html))}"));
    }

    public void AssertClean() =>
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) on the {flowName} pages:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
}

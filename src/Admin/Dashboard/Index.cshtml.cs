using System.Globalization;
using System.Text.Encodings.Web;
using Iess.Admin.Hosting;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Iess.Admin.Dashboard;

/// <summary>One verification method's row, as the admin API returns it (times in seconds).</summary>
public sealed record MethodMetrics(string Method, int Requests, int Completions, double CompletionRate, double? MedianDeliverySeconds, double? P90DeliverySeconds, double? MedianTimeToFinishSeconds);

public sealed record SignInMetrics(int Successes, int Lockouts);

public sealed record AccessMetrics(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<MethodMetrics> Methods, SignInMetrics SignIns);

/// <summary>A bar of the chart, already placed (server-rendered SVG, no script).</summary>
public sealed record Bar(double X, double Y, double Width, double Height, string Css, string Label);

/// <summary>
/// The public portal's "System Access Metrics" table, live: requests, completion rate, delivery waits and time to
/// finish per verification method over a chosen period, sign-ins and lockouts, and a bar chart. Every officer may see it.
/// </summary>
public sealed class IndexModel(AdminApiClient api) : PageModel
{
    public const double ChartWidth = 480;
    public const double ChartHeight = 200;
    public static readonly int[] Presets = [1, 7, 30, 90];

    [BindProperty(SupportsGet = true)]
    public int? Days { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    public AccessMetrics? Metrics { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyList<Bar> Bars { get; private set; } = [];

    public int Scale { get; private set; }

    public async Task OnGetAsync()
    {
        var query = new Dictionary<string, string?>();
        if (From is { } from && To is { } to)
        {
            query["from"] = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            query["to"] = to.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        else
        {
            var days = Presets.Contains(Days ?? 0) ? Days!.Value : 7;
            Days = days;
            var now = DateTimeOffset.UtcNow;
            query["from"] = now.AddDays(-days).ToString("O", CultureInfo.InvariantCulture);
            query["to"] = now.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture);
        }

        var result = await api.GetAsync<AccessMetrics>(QueryHelpers.AddQueryString("metrics", query), HttpContext.RequestAborted);
        Metrics = result.Value;
        if (!result.Ok)
        {
            Error = result.Problem?.Title + " " + string.Join(" ", result.Problem?.Errors.Values.SelectMany(m => m) ?? []);
            return;
        }

        Bars = Chart(Metrics!.Methods);
    }

    /// <summary>Seconds as people read them: "42 s", "3 min 5 s", "1 h 2 min"; a dash for no data.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s)
        {
            return "—";
        }

        var span = TimeSpan.FromSeconds(Math.Round(s, s < 10 ? 1 : 0));
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
            : span.TotalMinutes >= 1 ? $"{span.Minutes} min {span.Seconds} s"
            : string.Create(CultureInfo.CurrentCulture, $"{span.TotalSeconds:0.#} s");
    }

    /// <summary>An SVG text element (Razor reserves the &lt;text&gt; tag), its content HTML-encoded.</summary>
    public static HtmlString SvgText(double x, double y, int size, string content) => new(string.Create(CultureInfo.InvariantCulture,
        $"<text x=\"{x:0.##}\" y=\"{y:0.##}\" text-anchor=\"middle\" font-size=\"{size}\">{HtmlEncoder.Default.Encode(content)}</text>"));

    /// <summary>Two bars per method (requests, completions), scaled to the largest count.</summary>
    private List<Bar> Chart(IReadOnlyList<MethodMetrics> methods)
    {
        Scale = Math.Max(1, methods.Select(m => m.Requests).DefaultIfEmpty(0).Max());
        var bars = new List<Bar>();
        var group = ChartWidth / Math.Max(1, methods.Count);
        var width = group / 3;
        for (var i = 0; i < methods.Count; i++)
        {
            var m = methods[i];
            foreach (var (value, offset, css) in new[] { (m.Requests, 0.4, "requests"), (m.Completions, 1.6, "completions") })
            {
                var height = value * (ChartHeight - 20) / Scale;
                bars.Add(new Bar((i * group) + (offset * width / 1.2), ChartHeight - height, width, height, css, value.ToString(CultureInfo.InvariantCulture)));
            }
        }

        return bars;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Iess.Identity.Captcha;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>Walks the recovery pages like a browser: solves the proof-of-work CAPTCHA, posts each step's form.</summary>
public sealed partial class RecoveryDriver(FormClient browser)
{
    public FormClient Browser => browser;

    /// <summary>Step 1 with a solved CAPTCHA; returns the response (a redirect to Know on success).</summary>
    public async Task<HttpResponseMessage> IdentifyAsync(string cedula, string path = "/Recovery") =>
        await browser.SubmitAsync(path, new Dictionary<string, string>
        {
            ["Cedula"] = cedula,
            ["altcha"] = await SolveCaptchaAsync(browser),
        });

    /// <summary>A fresh proof-of-work challenge, solved as the page's script would: the value of the form's <c>altcha</c> field.</summary>
    public static async Task<string> SolveCaptchaAsync(FormClient browser)
    {
        var challenge = await browser.Http.GetFromJsonAsync<ProofOfWorkCaptcha.Challenge>("/captcha/challenge");
        return ProofOfWorkCaptcha.Solve(challenge!);
    }

    public Task<HttpResponseMessage> DateOfBirthAsync(string isoDate) =>
        browser.SubmitAsync("/Recovery/Know", new Dictionary<string, string> { ["Method"] = "dob", ["DateOfBirth"] = isoDate });

    public async Task<HttpResponseMessage> AnswersAsync(IReadOnlyDictionary<int, string> answersByQuestion)
    {
        var fields = new Dictionary<string, string> { ["Method"] = "questions" };
        foreach (var (id, answer) in answersByQuestion)
        {
            fields[$"Answers[{id}]"] = answer;
        }

        return await browser.SubmitAsync("/Recovery/Know", fields);
    }

    /// <summary>The image ids offered on the image page, in order.</summary>
    public async Task<IReadOnlyList<int>> GridAsync(string path = "/Recovery/Image")
    {
        var page = await browser.Http.GetStringAsync(path);
        return ImageChoice().Matches(page).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    public Task<HttpResponseMessage> PickImageAsync(int id) =>
        browser.SubmitAsync("/Recovery/Image", new Dictionary<string, string> { ["Picked"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public Task<HttpResponseMessage> ChooseChannelAsync(string channel) =>
        browser.SubmitAsync("/Recovery/Channel", new Dictionary<string, string> { ["Channel"] = channel });

    public Task<HttpResponseMessage> CodeAsync(string code) =>
        browser.SubmitAsync("/Recovery/Code", new Dictionary<string, string> { ["Code"] = code });

    public Task<HttpResponseMessage> ResetAsync(string password) =>
        browser.SubmitAsync("/Recovery/Reset", new Dictionary<string, string> { ["Password"] = password, ["Confirmation"] = password });

    /// <summary>Opens the email link (a GET shows the confirm button) and confirms it with the page's form.</summary>
    public async Task<HttpResponseMessage> ConfirmLinkAsync(Uri link)
    {
        var pathAndQuery = link.PathAndQuery;
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        return await browser.SubmitAsync(pathAndQuery, new Dictionary<string, string> { ["flow"] = query["flow"]!, ["Token"] = query["token"]! }, pathAndQuery);
    }

    public static string Location(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther
            ? response.Headers.Location!.OriginalString
            : $"(no redirect: {(int)response.StatusCode})";

    [GeneratedRegex("name=\"Picked\" value=\"(\\d+)\"")]
    private static partial Regex ImageChoice();
}

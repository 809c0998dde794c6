using System.Globalization;
using System.Net;
using System.Text;

namespace Iess.Identity.Messaging;

/// <summary>A rendered email: subject, HTML and plain text.</summary>
public sealed record EmailContent(string Subject, string Html, string Text);

/// <summary>
/// The emails IESS sends, Spanish first with the English text beside it: plain HTML (no remote images, no scripts),
/// a plain-text part, and always what to do if the message was unexpected.
/// </summary>
public static class EmailTemplates
{
    private const string UnexpectedEs = "Si usted no intentó ingresar, alguien podría conocer su cédula: no comparta su clave y, si lo desea, acérquese a un centro de atención del IESS.";
    private const string UnexpectedEn = "If this was not you, someone may know your ID number: never share your password and, if you wish, visit an IESS service centre.";

    public static EmailContent AccountLocked(string name, DateTimeOffset until)
    {
        var time = until.ToOffset(TimeSpan.FromHours(-5)).ToString("HH:mm", CultureInfo.InvariantCulture);
        return Render(
            "Su cuenta del IESS fue bloqueada temporalmente / Your IESS account was temporarily locked",
            name,
            [$"Por varios intentos fallidos de ingreso, su cuenta quedó bloqueada hasta las {time} (hora de Ecuador). Después podrá ingresar con normalidad.", UnexpectedEs],
            [$"After several failed sign-in attempts your account is locked until {time} (Ecuador time). You can sign in normally afterwards.", UnexpectedEn]);
    }

    private static EmailContent Render(string subject, string name, string[] spanish, string[] english)
    {
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"es-EC\"><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(subject)).Append("</title></head>")
            .Append("<body style=\"font-family:Arial,sans-serif;color:#1b1b1b;line-height:1.5\">")
            .Append("<p>Estimado/a ").Append(WebUtility.HtmlEncode(name)).Append(":</p>");
        foreach (var paragraph in spanish)
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph)).Append("</p>");
        }

        html.Append("<hr><div lang=\"en\"><p>Dear ").Append(WebUtility.HtmlEncode(name)).Append(",</p>");
        foreach (var paragraph in english)
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph)).Append("</p>");
        }

        html.Append("</div><p style=\"color:#555;font-size:12px\">Instituto Ecuatoriano de Seguridad Social. Este correo es automático; no responda. / This is an automatic message; do not reply.</p></body></html>");

        var text = new StringBuilder().Append("Estimado/a ").Append(name).Append(":\n\n");
        foreach (var paragraph in spanish)
        {
            text.Append(paragraph).Append("\n\n");
        }

        text.Append("---\nDear ").Append(name).Append(",\n\n");
        foreach (var paragraph in english)
        {
            text.Append(paragraph).Append("\n\n");
        }

        text.Append("Instituto Ecuatoriano de Seguridad Social.\n");
        return new EmailContent(subject, html.ToString(), text.ToString());
    }
}

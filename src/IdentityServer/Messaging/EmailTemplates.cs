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

    public static EmailContent RecoveryCode(string name, string code, Uri link, TimeSpan lifetime)
    {
        var minutes = (int)lifetime.TotalMinutes;
        return Render(
            "Su código para recuperar la clave del IESS / Your IESS password recovery code",
            name,
            [$"Su código de verificación es: {code}", "También puede abrir el enlace de abajo (en cualquier dispositivo) y confirmar.",
             $"El código y el enlace sirven una sola vez y vencen en {minutes} minutos.",
             "Si usted no pidió recuperar su clave, ignore este mensaje: su clave no cambia. Nunca comparta este código; el IESS no se lo pedirá."],
            [$"Your verification code is: {code}", "You can also open the link below (on any device) and confirm.",
             $"The code and the link work once and expire in {minutes} minutes.",
             "If you did not ask to recover your password, ignore this message: your password does not change. Never share this code; IESS will not ask for it."],
            link);
    }

    public static EmailContent VerificationCode(string name, string code) => Render(
        "Código para verificar su correo en el IESS / Code to verify your email with IESS",
        name,
        [$"Su código de verificación es: {code}", "Ingréselo en la página donde registró este correo. Vence en pocos minutos.",
         "Si usted no registró este correo en el IESS, ignore este mensaje."],
        [$"Your verification code is: {code}", "Enter it on the page where you registered this address. It expires in a few minutes.",
         "If you did not register this address with IESS, ignore this message."]);

    public static EmailContent EmailChanged(string name, string maskedNewEmail) => Render(
        "El correo de su cuenta del IESS cambió / Your IESS account email changed",
        name,
        [$"El correo de su cuenta se cambió a {maskedNewEmail}. Desde ahora los avisos llegarán allí.",
         "Si no fue usted, acérquese cuanto antes a un centro de atención del IESS con su cédula."],
        [$"Your account email was changed to {maskedNewEmail}. From now on notices go there.",
         "If this was not you, visit an IESS service centre with your ID as soon as possible."]);

    public static EmailContent PasswordChanged(string name, DateTimeOffset at)
    {
        var time = at.ToOffset(TimeSpan.FromHours(-5)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return Render(
            "Su clave del IESS fue cambiada / Your IESS password was changed",
            name,
            [$"Su clave fue cambiada el {time} (hora de Ecuador) y se cerraron todas sus sesiones abiertas.",
             "Si no fue usted, acérquese cuanto antes a un centro de atención del IESS con su cédula para proteger su cuenta."],
            [$"Your password was changed on {time} (Ecuador time) and every open session was signed out.",
             "If this was not you, visit an IESS service centre with your ID as soon as possible to protect your account."]);
    }

    /// <summary>An officer recorded this address at a service centre: the code and link that confirm it.</summary>
    public static EmailContent OfficialUpdateCode(string name, string code, Uri link, Uri confirmPage, TimeSpan lifetime)
    {
        var minutes = (int)lifetime.TotalMinutes;
        return Render(
            "Confirme su nuevo correo en el IESS / Confirm your new email with IESS",
            name,
            [$"En un centro de atención del IESS se registró este correo para su cuenta. Su código de verificación es: {code}",
             $"Abra el enlace de abajo y confirme, o ingrese el código con su cédula o RUC en {confirmPage.AbsoluteUri}.",
             $"El código y el enlace sirven una sola vez y vencen en {minutes} minutos. Hasta que confirme, su cuenta conserva los datos anteriores.",
             "Si usted no pidió este cambio, ignore este mensaje. Nunca comparta este código; el IESS no se lo pedirá."],
            [$"This address was registered for your account at an IESS service centre. Your verification code is: {code}",
             $"Open the link below and confirm, or enter the code with your ID number or RUC at {confirmPage.AbsoluteUri}.",
             $"The code and the link work once and expire in {minutes} minutes. Until you confirm, your account keeps its previous details.",
             "If you did not ask for this change, ignore this message. Never share this code; IESS will not ask for it."],
            link);
    }

    /// <summary>Tells the account's current address that an officer recorded new contact data (no code: the notice proves nothing).</summary>
    public static EmailContent OfficialUpdateNotice(string name, string maskedChanges, string serviceCentre) => Render(
        "Un funcionario del IESS registró nuevos datos de contacto / An IESS officer recorded new contact details",
        name,
        [$"En el centro de atención {serviceCentre} un funcionario registró, tras verificar su identidad en persona, estos datos nuevos para su cuenta: {maskedChanges}.",
         "Los datos nuevos se aplican cuando se confirman con el código enviado a ellos.",
         "Si no fue usted, acérquese cuanto antes a un centro de atención del IESS con su cédula."],
        [$"At the {serviceCentre} service centre an officer, after checking your identity in person, recorded these new details for your account: {maskedChanges}.",
         "The new details apply once confirmed with the code sent to them.",
         "If this was not you, visit an IESS service centre with your ID as soon as possible."]);

    private static EmailContent Render(string subject, string name, string[] spanish, string[] english, Uri? link = null)
    {
        var href = link is null ? null : WebUtility.HtmlEncode(link.AbsoluteUri);
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"es-EC\"><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(subject)).Append("</title></head>")
            .Append("<body style=\"font-family:Arial,sans-serif;color:#1b1b1b;line-height:1.5\">")
            .Append("<p>Estimado/a ").Append(WebUtility.HtmlEncode(name)).Append(":</p>");
        foreach (var paragraph in spanish)
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph)).Append("</p>");
        }

        if (href is not null)
        {
            html.Append("<p><a href=\"").Append(href).Append("\" style=\"background:#1d7a46;color:#fff;padding:10px 16px;text-decoration:none;border-radius:4px\">Confirmar y continuar / Confirm and continue</a></p>")
                .Append("<p style=\"font-size:12px;word-break:break-all\">").Append(href).Append("</p>");
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

        if (link is not null)
        {
            text.Append(link.AbsoluteUri).Append("\n\n");
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

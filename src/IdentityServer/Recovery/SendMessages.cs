namespace Iess.Identity.Recovery;

/// <summary>The resource key that explains each way sending a code can go.</summary>
public static class SendMessages
{
    public static string Key(SendOutcome outcome) => outcome switch
    {
        SendOutcome.TooSoon => "SendTooSoon",
        SendOutcome.TooManySends => "SendTooMany",
        SendOutcome.PhoneCapReached => "SendPhoneCap",
        SendOutcome.NoSuchChannel => "ChannelRequired",
        _ => "ErrorUnexpected",
    };
}

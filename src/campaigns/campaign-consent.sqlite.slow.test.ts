import { describeCampaignConsentProperty } from '../testing/campaign-consent-property.ts';

// 10,000 recipients at the real 20 messages per second on SQLite (over eight minutes, mostly waiting).
describeCampaignConsentProperty('sqlite');

import { breakageSuite } from './breakage-suite.js';
import { KEY_BREAKAGES } from './breakages.js';

// Uniqueness, not_null and relationships tests of the STEDI models fail on duplicated, missing or dangling keys.
breakageSuite('stedi-models test on duplicated, missing and dangling keys', KEY_BREAKAGES);

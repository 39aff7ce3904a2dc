import { breakageSuite } from './breakage-suite.js';
import { IDENTIFIER_BREAKAGES } from './breakages.js';

// no_identifiers fails when a direct identifier reaches machine_learning_curated, as a value or as a column.
breakageSuite('stedi-models test on identifiers in the training table', IDENTIFIER_BREAKAGES);

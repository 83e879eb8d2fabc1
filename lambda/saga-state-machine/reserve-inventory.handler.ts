import { reserveInventory } from './order-saga';
import { createStepHandler } from './step-handler';

/** Saga action: reserves the order's items. Fails with OutOfStockError when input.simulate.failStep names this step. */
export const handler = createStepHandler('inventory reserved', reserveInventory);

import { chargePayment } from './order-saga';
import { createStepHandler } from './step-handler';

/** Saga action: charges the order total. Fails with PaymentDeclinedError when input.simulate.failStep names this step. */
export const handler = createStepHandler('payment charged', chargePayment);

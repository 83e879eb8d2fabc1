import { refundPayment } from './order-saga';
import { createStepHandler } from './step-handler';

/** Saga compensation of charge-payment: refunds the payment found under results[CHARGE_STEP], if any. */
const chargeStep = process.env.CHARGE_STEP ?? 'charge-payment';
export const handler = createStepHandler('payment refunded', (event) => refundPayment(event, chargeStep));
